/**
 * Real Chromium with the unpacked demo build loaded (playwright-core drives Debian's chromium; never
 * `playwright install`). Recipes: ../shared/docs/e2e.md and permission-flow.md.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page, type Worker } from 'playwright-core';
import { findChromium, HOW_TO_GET_CHROMIUM, QUIET_FLAGS, ROOT_FLAGS } from '../launch/find-browser';
import { BUNDLED } from '@/utils/bundled-tables';
import type { TableName } from '@/utils/export-format';

export const DEMO_EXTENSION_DIR = resolve('.output/chrome-mv3-demo');
export const ARTIFACTS = resolve('tests/e2e/.artifacts');

export interface ExtBrowser {
  ctx: BrowserContext;
  extId: string;
  profile: string;
  worker(): Promise<Worker>;
  close(keepProfile?: boolean): Promise<void>;
}

export interface LaunchOptions {
  extDir?: string;
  /** Reuse a profile (browser restart tests). */
  profile?: string;
  /** Extra Chromium flags (e.g. a proxy that records every request). */
  args?: string[];
  colorScheme?: 'light' | 'dark';
}

export async function launch(opts: LaunchOptions = {}): Promise<ExtBrowser> {
  const executablePath = findChromium();
  if (!executablePath) throw new Error(HOW_TO_GET_CHROMIUM);
  const extDir = opts.extDir ?? DEMO_EXTENSION_DIR;
  const profile = opts.profile ?? mkdtempSync(join(tmpdir(), 'tokenwise-e2e-'));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    colorScheme: opts.colorScheme ?? 'light',
    ignoreDefaultArgs: ['--disable-extensions'],
    args: [
      `--disable-extensions-except=${extDir}`,
      `--load-extension=${extDir}`,
      '--disable-gpu',
      ...QUIET_FLAGS,
      ...ROOT_FLAGS,
      ...(opts.args ?? []),
    ],
  });
  let extId: string;
  try {
    extId = await findExtensionId(ctx, extDir);
  } catch (e) {
    // A failed launch must not leave the browser or a temporary profile behind.
    await ctx.close().catch(() => {});
    if (!opts.profile) rmSync(profile, { recursive: true, force: true });
    throw e;
  }
  return {
    ctx,
    extId,
    profile,
    async worker() {
      const live = ctx.serviceWorkers().find((w) => w.url().startsWith(`chrome-extension://${extId}/`));
      return live ?? ctx.waitForEvent('serviceworker', { timeout: 15_000 });
    },
    async close(keepProfile = false) {
      await ctx.close();
      if (!keepProfile) rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * An unpacked extension's id is derived from the absolute path of its folder: the first 32 hex digits of
 * its SHA-256, each mapped 0-f → a-p.
 */
export function extensionIdForPath(dir: string): string {
  const hex = createHash('sha256').update(resolve(dir)).digest('hex').slice(0, 32);
  return [...hex].map((c) => String.fromCharCode(97 + parseInt(c, 16))).join('');
}

/**
 * Waits for the extension's service worker. On a cold start (first launch after a build, busy machine) its
 * `serviceworker` event is sometimes not reported in time; then wake the worker by opening one of its pages.
 */
async function findExtensionId(ctx: BrowserContext, extDir: string): Promise<string> {
  const expected = extensionIdForPath(extDir);
  const ours = () => ctx.serviceWorkers().find((w) => w.url().startsWith(`chrome-extension://${expected}/`));
  const first = ours() ?? (await ctx.waitForEvent('serviceworker', { timeout: 10_000 }).catch(() => undefined));
  if (first) return new URL(first.url()).host;
  const page = await ctx.newPage();
  try {
    await page.goto(`chrome-extension://${expected}/popup.html`);
    const sw = ours() ?? (await ctx.waitForEvent('serviceworker', { timeout: 15_000 }));
    return new URL(sw.url()).host;
  } finally {
    await page.close();
  }
}

/** Stops the extension's service worker as Chromium would when idle (CDP Target.closeTarget). */
export async function stopWorker(b: ExtBrowser): Promise<boolean> {
  const page = b.ctx.pages()[0] ?? (await b.ctx.newPage());
  const cdp = await b.ctx.newCDPSession(page);
  try {
    const { targetInfos } = (await cdp.send('Target.getTargets')) as {
      targetInfos: Array<{ targetId: string; type: string; url: string }>;
    };
    const sw = targetInfos.find(
      (t) => t.type === 'service_worker' && t.url.startsWith(`chrome-extension://${b.extId}/`),
    );
    if (!sw) return false;
    await cdp.send('Target.closeTarget', { targetId: sw.targetId });
    return true;
  } finally {
    await cdp.detach().catch(() => {});
  }
}

/** Opens an extension page (popup.html, …) in a tab. */
export async function openExtensionPage(b: ExtBrowser, path = 'popup.html'): Promise<Page> {
  const page = await b.ctx.newPage();
  await page.goto(`chrome-extension://${b.extId}/${path}`);
  return page;
}

export interface StoredTurn {
  id: string;
  site: string;
  format: string;
  transport: string;
  model?: string;
  inputTokens: number;
  outputTokens: number;
  source: string;
  status: string;
  apiOrigin: string;
}

/**
 * Reads a table of the extension's IndexedDB through an extension page (same origin as the worker). `turns`,
 * `conversations` and `tasks` give rows, wherever they are stored: in their bundles (`turnBundles` from schema v5
 * on, `conversationBundles` from v7, `taskBundles` from v9) or, in an older database, in the table of that name.
 */
export async function readTable<T = unknown>(page: Page, table: string): Promise<T[]> {
  return page.evaluate(
    ({ asked, bundles }) =>
      new Promise<T[]>((res, rej) => {
        const open = indexedDB.open('tokenwise');
        open.onerror = () => rej(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const bundled = bundles !== null && db.objectStoreNames.contains(bundles);
          const name = bundled ? bundles : asked;
          if (!db.objectStoreNames.contains(name)) {
            db.close();
            return res([]);
          }
          const req = db.transaction(name).objectStore(name).getAll();
          req.onsuccess = () => {
            db.close();
            const rows = req.result as unknown[];
            res((bundled ? rows.flatMap((b) => (b as { rows: unknown[] }).rows) : rows) as T[]);
          };
          req.onerror = () => rej(req.error);
        };
      }),
    // Which table a bundled one is stored in, as the extension says (utils/bundled-tables.ts).
    { asked: table, bundles: BUNDLED[table as TableName]?.table ?? null },
  );
}

/** Reads the outbox entries left in the extension's storage.local. */
export async function readOutbox(page: Page): Promise<string[]> {
  return page.evaluate(async () =>
    Object.keys(await chrome.storage.local.get(null)).filter((k) => k.startsWith('outbox:')),
  );
}

/** Polls until `check` returns a truthy value or the time runs out; returns the last value. */
export async function waitFor<T>(check: () => Promise<T>, timeoutMs = 20_000, everyMs = 150): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last = await check();
  while (!last && Date.now() < end) {
    await new Promise((r) => setTimeout(r, everyMs));
    last = await check();
  }
  return last;
}

/** Saves a PNG under tests/e2e/.artifacts; `fullPage: false` for long pages (the dashboard's task table). */
export async function screenshot(page: Page, name: string, opts: { fullPage?: boolean } = {}): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  // The popup loads its chart after the figures: picture it as a person sees it a moment later.
  await page
    .locator('.chart-placeholder')
    .waitFor({ state: 'detached', timeout: 5_000 })
    .catch(() => {});
  await page.screenshot({ path, fullPage: opts.fullPage ?? true });
  return path;
}

declare const chrome: { storage: { local: { get(k: null): Promise<Record<string, unknown>> } } };
