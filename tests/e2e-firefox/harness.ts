/**
 * Real Firefox with the Firefox demo build installed, driven by puppeteer-core over WebDriver BiDi (recipes
 * and pitfalls: ../shared/docs/e2e.md).
 *
 * BiDi refuses to navigate to moz-extension:// pages, and web pages may not open them either. Firefox started
 * with `--remote-allow-system-access` lets BiDi reach the browser window itself (`moz:scope: 'chrome'`), so
 * the harness opens extension pages in a tab from there, as the toolbar button would; nothing test-only is
 * built into the extension. Its pages are then scripted with plain BiDi `script.evaluate`.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { findFirefox, HOW_TO_GET_FIREFOX } from './find-firefox';
import { BUNDLED } from '@/utils/bundled-tables';
import type { TableName } from '@/utils/export-format';

export const FIREFOX_DEMO_DIR = resolve('.output/firefox-mv3-demo');
const ADDON_ID = 'tokenwise@tokenwise.invalid';

/** The raw BiDi connection puppeteer-core's Firefox browser has (not in its typed API). */
interface BidiConnection {
  send(method: string, params: object): Promise<{ result: unknown }>;
}
interface BidiContext {
  context: string;
  url: string;
  children?: BidiContext[] | null;
}
type EvaluateResult =
  | { type: 'success'; result: { type: string; value?: unknown } }
  | { type: 'exception'; exceptionDetails: { text: string } };

export interface ExtensionPage {
  context: string;
  /**
   * The same tab as a puppeteer-core Page: real clicks and typing (they count as user gestures, which
   * `permissions.request` needs), dialogs, file inputs, screenshots. Its `url()` stays `about:blank`
   * (puppeteer never saw the tab navigate), so go through `evaluate` for the location.
   */
  page: Page;
  /** Runs `expression` (it may await) in the page and returns its JSON value. */
  evaluate<T>(expression: string): Promise<T>;
  close(): Promise<void>;
}

export interface FirefoxExt {
  browser: Browser;
  /** The extension's moz-extension:// origin (its UUID is fixed for the profile). */
  origin: string;
  /** Where Firefox saves downloads, without asking (a fresh folder per launch). */
  downloadDir: string;
  openExtensionPage(path?: string): Promise<ExtensionPage>;
  /** Runs `expression` in the browser window's privileged scope (Services, Ci, gBrowser…); its JSON value. */
  evaluateInChrome<T>(expression: string): Promise<T>;
  close(): Promise<void>;
}

export async function launchFirefox(extDir = FIREFOX_DEMO_DIR): Promise<FirefoxExt> {
  const executablePath = findFirefox();
  if (!executablePath) throw new Error(HOW_TO_GET_FIREFOX);
  const uuid = randomUUID();
  const downloadDir = mkdtempSync(join(tmpdir(), 'tw-ff-downloads-'));
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath,
    headless: true,
    args: ['--remote-allow-system-access'],
    extraPrefsFirefox: {
      'extensions.webextensions.uuids': JSON.stringify({ [ADDON_ID]: uuid }),
      // Optional host permissions are granted without a prompt (the options page asks for them).
      'extensions.webextOptionalPermissionPrompts': false,
      // "Export" saves a file at once into downloadDir, as a user who chose a download folder sees it.
      'browser.download.folderList': 2,
      'browser.download.dir': downloadDir,
      'browser.download.useDownloadDir': true,
      'browser.download.always_ask_before_handling_new_types': false,
    },
  });
  try {
    const id = await browser.installExtension(extDir);
    if (id !== ADDON_ID) throw new Error(`installed add-on id ${id}, expected ${ADDON_ID}`);
  } catch (e) {
    await browser.close().catch(() => {});
    rmSync(downloadDir, { recursive: true, force: true });
    throw e;
  }
  const bidi = (browser as unknown as { connection: BidiConnection }).connection;
  const origin = `moz-extension://${uuid}`;

  const tree = async (scope?: 'chrome') =>
    (
      (await bidi.send('browsingContext.getTree', scope ? { 'moz:scope': scope } : {})).result as {
        contexts: BidiContext[];
      }
    ).contexts;

  const evaluateIn = async <T>(context: string, expression: string): Promise<T> => {
    const { result } = await bidi.send('script.evaluate', {
      expression: `(async () => JSON.stringify(await (${expression})))()`,
      target: { context },
      awaitPromise: true,
    });
    const r = result as EvaluateResult;
    if (r.type === 'exception') throw new Error(`in ${context}: ${r.exceptionDetails.text}`);
    return r.result.value === undefined ? (undefined as T) : (JSON.parse(r.result.value as string) as T);
  };

  const chromeWindow = async () => {
    const win = (await tree('chrome')).find((c) => c.url === 'chrome://browser/content/browser.xhtml');
    if (!win) throw new Error('no Firefox browser window over BiDi (is --remote-allow-system-access honoured?)');
    return win.context;
  };

  /** The puppeteer Page puppeteer made for a browsing context it was told about (BiDi context id). */
  const pageOf = async (context: string) =>
    waitFor(
      async () => (await browser.pages()).find((p) => (p.mainFrame() as unknown as { _id: string })._id === context),
      // Puppeteer learns of a new tab from BiDi events: 20 s was not always enough on a loaded 2-core machine.
      45_000,
    );

  return {
    browser,
    origin,
    downloadDir,
    evaluateInChrome: async (expression) => evaluateIn(await chromeWindow(), expression),
    async openExtensionPage(path = 'popup.html') {
      const url = `${origin}/${path}`;
      const known = new Set((await tree()).map((c) => c.context));
      // In the browser window: open a tab as the browser itself would.
      await evaluateIn(
        await chromeWindow(),
        `(() => { gBrowser.selectedTab = gBrowser.addTab(${JSON.stringify(url)}, ` +
          '{ triggeringPrincipal: Services.scriptSecurityManager.getSystemPrincipal() }); return true; })()',
      );
      let context: string | undefined;
      for (const end = Date.now() + 15_000; !context && Date.now() < end;) {
        context = (await tree()).find((c) => !known.has(c.context) && c.url === url)?.context;
        if (!context) await sleep(100);
      }
      if (!context) throw new Error(`${url} did not open in a tab`);
      const tab = await pageOf(context);
      if (!tab) throw new Error(`puppeteer has no page for the tab of ${url}`);
      const page: ExtensionPage = {
        context,
        page: tab,
        evaluate: (expression) => evaluateIn(context, expression),
        close: async () => {
          await bidi.send('browsingContext.close', { context }).catch(() => {});
        },
      };
      await waitFor(() => page.evaluate<boolean>(`document.readyState === 'complete'`).catch(() => false));
      return page;
    },
    async close() {
      await browser.close();
      rmSync(downloadDir, { recursive: true, force: true });
    },
  };
}

export const ARTIFACTS = resolve('tests/e2e/.artifacts');

/** Saves a PNG beside the Chromium suite's, in tests/e2e/.artifacts, named `firefox-<name>.png`. */
export async function screenshot(page: Page, name: string, opts: { fullPage?: boolean } = {}): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `firefox-${name}.png`) as `${string}.png`;
  await page.screenshot({ path, fullPage: opts.fullPage ?? true });
  return path;
}

/**
 * Reads a table of the extension's IndexedDB from one of its pages (same origin as the background). `turns`,
 * `conversations` and `tasks` give rows, from their bundles (`turnBundles`, `conversationBundles`, `taskBundles`).
 */
export function readTable<T = unknown>(page: ExtensionPage, table: string): Promise<T[]> {
  return page.evaluate<T[]>(`new Promise((res, rej) => {
    const asked = ${JSON.stringify(table)};
    const bundles = ${JSON.stringify(BUNDLED[table as TableName]?.table ?? null)};
    const open = indexedDB.open('tokenwise');
    open.onerror = () => rej(open.error);
    open.onsuccess = () => {
      const db = open.result;
      const bundled = bundles !== null && db.objectStoreNames.contains(bundles);
      const name = bundled ? bundles : asked;
      if (!db.objectStoreNames.contains(name)) { db.close(); return res([]); }
      const req = db.transaction(name).objectStore(name).getAll();
      req.onsuccess = () => { db.close(); res(bundled ? req.result.flatMap((b) => b.rows) : req.result); };
      req.onerror = () => rej(req.error);
    };
  })`);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until `check` returns a truthy value or the time runs out; returns the last value. */
export async function waitFor<T>(check: () => Promise<T>, timeoutMs = 20_000, everyMs = 150): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last = await check();
  while (!last && Date.now() < end) {
    await sleep(everyMs);
    last = await check();
  }
  return last;
}
