/** Figure 5: gzip -9 size of the content scripts every tracked page downloads and evaluates. */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';

export const CONTENT_SCRIPTS = ['page-hook.js', 'relay.js'] as const;
export const RELEASE_DIR = resolve('.output/chrome-mv3');

export interface BundleSizes {
  dir: string;
  files: Record<string, { raw: number; gzip: number }>;
  totalGzip: number;
  totalRaw: number;
}

export function bundleSizes(dir: string): BundleSizes {
  const files: BundleSizes['files'] = {};
  let totalGzip = 0;
  let totalRaw = 0;
  for (const f of CONTENT_SCRIPTS) {
    const buf = readFileSync(join(dir, f));
    const gzip = gzipSync(buf, { level: 9 }).length;
    files[f] = { raw: buf.length, gzip };
    totalGzip += gzip;
    totalRaw += buf.length;
  }
  return { dir, files, totalGzip, totalRaw };
}

/** The release build's sizes, when one has been built (never built here). */
export function releaseBundleSizes(): BundleSizes | undefined {
  return CONTENT_SCRIPTS.every((f) => existsSync(join(RELEASE_DIR, f))) ? bundleSizes(RELEASE_DIR) : undefined;
}

export const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KB`;
