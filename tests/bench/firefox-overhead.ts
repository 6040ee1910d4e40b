/**
 * Figure 1 in Firefox (issue 7): the same /bench stream as figure 1, timed the same way (runBench() called →
 * two animation frames after it resolved), in Firefox with the Firefox demo build installed vs a plain Firefox
 * launched with the very same preferences. Interleaved ABBA pairs after a warm-up (pairs.ts).
 *
 * Firefox has no CDP Performance metrics, so only wall time is measured here; the CPU columns of the Chromium
 * figure have no Firefox counterpart and are left out of its rows.
 */
import { cpSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { findFirefox, HOW_TO_GET_FIREFOX } from '../e2e-firefox/find-firefox';
import { FIREFOX_DEMO_DIR, launchFirefox, type FirefoxExt } from '../e2e-firefox/harness';
import { checkedRun, timeBenchInPage, type BenchRun } from './page-overhead';
import { measurePairs, type CpuDelta, type PairsResult, type Sample } from './pairs';
import { sleep } from './stats';

/** Firefox reports no per-thread CPU figures to us: NaN, so a ratio of them can never pass for a measurement. */
const NO_CPU: CpuDelta = {
  threadMs: Number.NaN,
  taskMs: Number.NaN,
  scriptMs: Number.NaN,
  layoutMs: Number.NaN,
  styleMs: Number.NaN,
  processMs: Number.NaN,
};

export type FirefoxSample = BenchRun & Sample;

export interface FirefoxBrowsers {
  ext: FirefoxExt;
  plain: Browser;
  version: string;
  close(): Promise<void>;
}

/** A private copy of the Firefox demo build, so a rebuild elsewhere cannot change it under the benchmark. */
export function snapshotFirefoxDemoBuild(): string {
  if (!existsSync(join(FIREFOX_DEMO_DIR, 'manifest.json'))) {
    throw new Error(
      `${FIREFOX_DEMO_DIR} is missing: run \`WXT_DEMO=1 npx wxt build -b firefox --mv3\` (npm run bench does).`,
    );
  }
  const dir = mkdtempSync(join(tmpdir(), 'tokenwise-bench-ff-ext-'));
  cpSync(FIREFOX_DEMO_DIR, dir, { recursive: true });
  return dir;
}

/** Firefox with the extension (the e2e harness) and a plain one with the same preferences. */
export async function launchFirefoxPair(extDir: string): Promise<FirefoxBrowsers> {
  const executablePath = findFirefox();
  if (!executablePath) throw new Error(HOW_TO_GET_FIREFOX);
  const ext = await launchFirefox(extDir);
  let plain: Browser;
  try {
    plain = await puppeteer.launch({
      browser: 'firefox',
      executablePath,
      headless: true,
      args: ['--remote-allow-system-access'],
      extraPrefsFirefox: { 'extensions.webextOptionalPermissionPrompts': false },
    });
  } catch (e) {
    await ext.close().catch(() => {});
    throw e;
  }
  const version = (await plain.version()).replace(/^firefox\//i, 'Firefox ');
  return {
    ext,
    plain,
    version,
    async close() {
      await plain.close().catch(() => {});
      await ext.close().catch(() => {});
    },
  };
}

async function streamOnce(page: Page, url: string): Promise<FirefoxSample> {
  await page.goto(url, { waitUntil: 'load' });
  await sleep(150); // as in Chromium: the content scripts' handshake and the first paint settle
  const r = checkedRun(await page.evaluate(timeBenchInPage));
  await page.goto('about:blank');
  return { ...r, wallMs: r.renderedMs, cpu: NO_CPU };
}

export async function measureFirefoxOverhead(
  b: FirefoxBrowsers,
  url: string,
  pairs: number,
  settleMs: number,
  log: (s: string) => void,
): Promise<PairsResult<FirefoxSample>> {
  const extPage = await b.ext.browser.newPage();
  const plainPage = await b.plain.newPage();
  try {
    return await measurePairs<FirefoxSample, Page>({
      ext: extPage,
      plain: plainPage,
      pairs,
      settleMs,
      log,
      run: (page) => streamOnce(page, url),
      describe: (a, c) =>
        `with ${a.renderedMs.toFixed(0)} ms (stream ${a.ms.toFixed(0)}), ` +
        `without ${c.renderedMs.toFixed(0)} ms (stream ${c.ms.toFixed(0)})`,
    });
  } finally {
    await extPage.close().catch(() => {});
    await plainPage.close().catch(() => {});
  }
}
