/**
 * Browsers for the benchmark: the demo build loaded through the e2e harness, and a plain Chromium with the
 * very same flags minus the extension (the baseline for overhead ratios).
 */
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { DEMO_EXTENSION_DIR, launch, type ExtBrowser } from '../e2e/harness';
import { findChromium, HOW_TO_GET_CHROMIUM, QUIET_FLAGS, ROOT_FLAGS } from '../launch/find-browser';

export const SCRIPTS = ['page-hook.js', 'relay.js', 'background.js', 'manifest.json'] as const;

/**
 * Copies the freshly built demo extension to a private folder, so a rebuild elsewhere in the tree (which
 * empties .output/chrome-mv3-demo for a moment) cannot pull files from under a running benchmark.
 */
export function snapshotDemoBuild(): string {
  for (const f of SCRIPTS) {
    if (!existsSync(join(DEMO_EXTENSION_DIR, f))) {
      throw new Error(`${DEMO_EXTENSION_DIR}/${f} is missing: run \`npm run build:demo\` (npm run bench does).`);
    }
  }
  const dir = mkdtempSync(join(tmpdir(), 'tokenwise-bench-ext-'));
  cpSync(DEMO_EXTENSION_DIR, dir, { recursive: true });
  return dir;
}

export const launchWithExtension = (extDir: string): Promise<ExtBrowser> => launch({ extDir });

export interface PlainBrowser {
  ctx: BrowserContext;
  close(): Promise<void>;
}

/** Chromium without any extension, otherwise launched exactly like the harness does. */
export async function launchPlain(): Promise<PlainBrowser> {
  const executablePath = findChromium();
  if (!executablePath) throw new Error(HOW_TO_GET_CHROMIUM);
  const profile = mkdtempSync(join(tmpdir(), 'tokenwise-bench-plain-'));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    colorScheme: 'light',
    args: ['--disable-gpu', ...QUIET_FLAGS, ...ROOT_FLAGS],
  });
  return {
    ctx,
    async close() {
      await ctx.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** "Chromium 156" from the browser itself. */
export async function browserVersion(page: Page): Promise<string> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const v = (await cdp.send('Browser.getVersion')) as { product: string };
    const m = /(\d+)\./.exec(v.product);
    return m ? `Chromium ${m[1]}` : v.product;
  } finally {
    await cdp.detach().catch(() => {});
  }
}

interface TargetInfo {
  targetId: string;
  type: string;
  url: string;
}

/** Is the extension's service worker running (a live service_worker target)? */
export async function workerRunning(b: ExtBrowser, page: Page): Promise<boolean> {
  const cdp = await b.ctx.newCDPSession(page);
  try {
    const { targetInfos } = (await cdp.send('Target.getTargets')) as { targetInfos: TargetInfo[] };
    return targetInfos.some((t) => t.type === 'service_worker' && t.url.startsWith(`chrome-extension://${b.extId}/`));
  } finally {
    await cdp.detach().catch(() => {});
  }
}
