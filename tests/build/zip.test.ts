// Release packaging (issue 7): `npm run zip` writes the Chrome zip, the Firefox (MV3) zip and the sources
// zip addons.mozilla.org asks for. The extension zips hold exactly what was built and checked (the other build
// tests read .output/<browser>-mv3), without source maps; the sources zip holds what rebuilds them and none
// of the tests, their output or the screenshots, and does rebuild the Firefox zip byte for byte.
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve('.');
const { name, version } = JSON.parse(readFileSync('package.json', 'utf8')) as { name: string; version: string };
const ZIPS = {
  chrome: `.output/${name}-${version}-chrome.zip`,
  firefox: `.output/${name}-${version}-firefox.zip`,
  sources: `.output/${name}-${version}-sources.zip`,
};
/** Far above today's sizes (about 1.4 MB, 1.4 MB and 0.35 MB), far below what a stray folder would add. */
const MAX_BYTES = { chrome: 3_000_000, firefox: 3_000_000, sources: 1_000_000 };

/** Reads a zip's files (stored or deflated) from its central directory: enough for WXT's zips. */
function readZip(path: string): Map<string, Buffer> {
  const buf = readFileSync(path);
  let end = buf.length - 22;
  while (end >= 0 && buf.readUInt32LE(end) !== 0x06054b50) end--;
  if (end < 0) throw new Error(`${path} is not a zip file`);
  const count = buf.readUInt16LE(end + 10);
  let at = buf.readUInt32LE(end + 16);
  const files = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    if (buf.readUInt32LE(at) !== 0x02014b50) throw new Error(`${path}: bad central directory entry ${i}`);
    const method = buf.readUInt16LE(at + 10);
    const compressed = buf.readUInt32LE(at + 20);
    const nameLen = buf.readUInt16LE(at + 28);
    const extraLen = buf.readUInt16LE(at + 30);
    const commentLen = buf.readUInt16LE(at + 32);
    const local = buf.readUInt32LE(at + 42);
    const file = buf.toString('utf8', at + 46, at + 46 + nameLen);
    const dataAt = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const data = buf.subarray(dataAt, dataAt + compressed);
    if (method !== 0 && method !== 8) throw new Error(`${path}: ${file} uses compression method ${method}`);
    if (!file.endsWith('/')) files.set(file, method === 8 ? inflateRawSync(data) : Buffer.from(data));
    at += 46 + nameLen + extraLen + commentLen;
  }
  return files;
}

function filesIn(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? filesIn(p).map((q) => `${f}/${q}`) : [f];
  });
}

const missing = Object.values(ZIPS).filter((z) => !existsSync(z));
if (missing.length > 0) {
  throw new Error(`No release zips (${missing.join(', ')}): run \`npm run zip\` first.`);
}
const zips = {
  chrome: readZip(ZIPS.chrome),
  firefox: readZip(ZIPS.firefox),
  sources: readZip(ZIPS.sources),
};

describe('release zips', () => {
  it('are all there, each well under its size budget', () => {
    const sizes = Object.fromEntries(Object.entries(ZIPS).map(([k, p]) => [k, statSync(p).size]));
    console.log(`zip sizes (bytes): ${JSON.stringify(sizes)}`);
    for (const [k, size] of Object.entries(sizes)) {
      expect(size, k).toBeGreaterThan(10_000);
      expect(size, k).toBeLessThan(MAX_BYTES[k as keyof typeof MAX_BYTES]);
    }
  });
});

describe.each(['chrome', 'firefox'] as const)('the %s zip', (browser) => {
  const files = zips[browser];

  it('holds the release manifest at its root', () => {
    const manifest = JSON.parse(files.get('manifest.json')?.toString('utf8') ?? 'null');
    expect(manifest).toMatchObject({ manifest_version: 3, name: 'Tokenwise', version });
    expect(JSON.stringify(manifest)).not.toMatch(/127\.0\.0\.1|localhost/);
    expect(manifest.browser_specific_settings === undefined).toBe(browser === 'chrome');
  });

  it('holds no source maps and no references to them', () => {
    expect([...files.keys()].filter((f) => f.endsWith('.map'))).toEqual([]);
    for (const [f, data] of files) {
      if (/\.(js|css|html)$/.test(f)) expect(data.toString('utf8'), f).not.toContain('sourceMappingURL');
    }
  });

  it(`is exactly the checked build in .output/${browser}-mv3 (else: npm run zip again)`, () => {
    const dir = `.output/${browser}-mv3`;
    expect([...files.keys()].sort()).toEqual(filesIn(dir).sort());
    for (const [f, data] of files) expect(data.equals(readFileSync(join(dir, f))), f).toBe(true);
  });
});

describe('the sources zip', () => {
  const files = [...zips.sources.keys()];

  it('holds what builds the extension', () => {
    for (const f of ['package.json', 'package-lock.json', 'wxt.config.ts', 'tsconfig.json', 'README.md']) {
      expect(files).toContain(f);
    }
    for (const dir of ['entrypoints/', 'utils/', 'components/']) {
      expect(
        files.some((f) => f.startsWith(dir)),
        dir,
      ).toBe(true);
    }
  });

  it('holds no dependencies, build or test output, tests, fixtures, screenshots or dot-folders', () => {
    const unwanted = files.filter(
      (f) =>
        /(^|\/)(node_modules|\.output|\.wxt|\.git|tests|test-results|coverage|\.artifacts|\.results|screenshots)\//.test(
          f,
        ) ||
        /(^|\/)\./.test(f) ||
        /\.(test|spec)\.[cm]?[jt]sx?$|\.log$|\.zip$/.test(f) ||
        // The only pictures needed to build are the extension's own icons.
        (/\.png$/.test(f) && !/^public\/icon\/\d+\.png$/.test(f)),
    );
    expect(unwanted).toEqual([]);
  });

  it('is the working tree as it is now (else: npm run zip again)', () => {
    for (const [f, data] of zips.sources) expect(data.equals(readFileSync(f)), f).toBe(true);
  });

  // What an addons.mozilla.org reviewer does: unpack the sources, install, build, compare with the upload.
  // node_modules is linked rather than installed (no network here); package-lock.json pins the same tree.
  const work = mkdtempSync(join(tmpdir(), 'tokenwise-sources-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('rebuilds the Firefox zip byte for byte', { timeout: 120_000 }, () => {
    for (const [f, data] of zips.sources) {
      mkdirSync(dirname(join(work, f)), { recursive: true });
      writeFileSync(join(work, f), data);
    }
    symlinkSync(join(ROOT, 'node_modules'), join(work, 'node_modules'), 'dir');
    // As from a shell: no demo build, and not vitest's NODE_ENV=test (which changes what Vite bundles).
    const env = Object.fromEntries(
      Object.entries(process.env).filter(([k]) => !/^(WXT_DEMO|NODE_ENV|VITEST.*|MODE|TEST)$/.test(k)),
    );
    execFileSync(join(ROOT, 'node_modules/.bin/wxt'), ['build', '-b', 'firefox', '--mv3'], {
      cwd: work,
      env,
      stdio: 'pipe',
    });
    const out = join(work, '.output/firefox-mv3');
    const built = filesIn(out).sort();
    expect(built).toEqual([...zips.firefox.keys()].sort());
    const differ = built.filter((f) => !zips.firefox.get(f)!.equals(readFileSync(join(out, f))));
    expect(differ, `files that differ from ${relative(ROOT, ZIPS.firefox)}`).toEqual([]);
  });
});
