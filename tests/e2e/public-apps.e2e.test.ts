// Issue 6 in real Chromium: the public AI apps on their real hostnames (mapped to a local HTTPS fixture
// server: tests/demo/public-apps.ts), replaying each site's recorded traffic shapes through the real wrapped
// fetch / XHR. ChatGPT: the estimate first, then the real o200k count; a regeneration counts once more, a
// reload does not double count; a changed shape says "not recognised" on the popup and the options page;
// switched off in the options, nothing is recorded.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startPublicApps, type PublicAppsServer } from '../demo/public-apps';
import { launch, openExtensionPage, readTable, screenshot, waitFor, type ExtBrowser, type StoredTurn } from './harness';

let apps: PublicAppsServer;
let b: ExtBrowser;
let ext: Page;

const fixture = (p: string) => readFileSync(new URL(`../fixtures/${p}`, import.meta.url), 'utf8');
const turns = () => readTable<StoredTurn>(ext, 'turns');
const turnsOf = async (site: string) => (await turns()).filter((t) => t.site === site);
const health = () => readTable<{ site: string; lastUnrecognisedAt?: number; lastRecognisedAt?: number }>(ext, 'health');

beforeAll(async () => {
  apps = await startPublicApps();
  b = await launch({ args: apps.chromiumArgs });
  ext = await openExtensionPage(b, 'popup.html');
});
afterAll(async () => {
  await b?.close();
  await apps?.close();
});

async function openApp(url: string): Promise<Page> {
  const page = await b.ctx.newPage();
  await page.goto(url);
  await page.waitForFunction(() => 'tw' in window);
  return page;
}

const sendChatgpt = (page: Page, sse: string, request: string) =>
  page.evaluate(([f, body]) => (window as unknown as TW).tw.fetch('/backend-api/f/conversation', f, body), [
    `chatgpt/${sse}`,
    fixture(`chatgpt/${request}`),
  ] as const);

type TW = {
  tw: {
    fetch(p: string, f: string, b: string): Promise<string>;
    xhr(p: string, f: string, b: string, t?: string): Promise<string>;
  };
};

describe('ChatGPT on https://chatgpt.com', () => {
  const SITE = 'https://chatgpt.com';

  it('the real content scripts run on the mapped hostname', async () => {
    const page = await openApp(`${SITE}/`);
    expect(page.url()).toBe(`${SITE}/`);
    // the hook's install flag, set only by the extension's MAIN-world script
    expect(await page.evaluate(() => Symbol.for('tokenwise.capture') in window)).toBe(true);
    await page.close();
  });

  it('a streamed delta-encoded reply: estimated first, then tokenized with o200k; shown in the popup', async () => {
    const page = await openApp(`${SITE}/`);
    const body = await sendChatgpt(page, 'reply-v1.sse', 'request-first.json');
    expect(body).toContain('[DONE]'); // the page got its whole stream
    const rows = await waitFor(async () => {
      const r = await turnsOf(SITE);
      return r.length === 1 && r[0]!.source === 'tokenized' ? r : undefined;
    });
    expect(rows, JSON.stringify(await turnsOf(SITE))).toBeTruthy();
    expect(rows![0]).toMatchObject({
      id: `${SITE}|chatgpt-web:c-1:a-1`,
      format: 'chatgpt-web',
      transport: 'fetch',
      model: 'gpt-5-2025-08-07',
      status: 'complete',
      source: 'tokenized',
    });
    expect(rows![0]!.outputTokens).toBeGreaterThan(5);
    expect(rows![0]!.inputTokens).toBeGreaterThan(5);
    await page.close();

    const popup = await openExtensionPage(b, 'popup.html');
    await popup.waitForSelector('main[data-ready="true"]');
    await expect.poll(() => popup.locator('body').innerText(), { timeout: 10_000 }).toMatch(/chatgpt\.com/);
    await screenshot(popup, 'public-apps-chatgpt-popup');
    await popup.close();
  });

  it('a regeneration counts once more; a reload and the same reply again do not double count', async () => {
    const page = await openApp(`${SITE}/c/c-1`);
    await sendChatgpt(page, 'regenerate.sse', 'request-regenerate.json');
    await waitFor(async () => (await turnsOf(SITE)).length === 2);
    await page.reload();
    await page.waitForFunction(() => 'tw' in window);
    await sendChatgpt(page, 'reply-v1.sse', 'request-first.json'); // the same message again
    await sendChatgpt(page, 'regenerate.sse', 'request-regenerate.json');
    await new Promise((r) => setTimeout(r, 2_500));
    const rows = await turnsOf(SITE);
    expect(rows.map((r) => r.id).sort()).toEqual([`${SITE}|chatgpt-web:c-1:a-1`, `${SITE}|chatgpt-web:c-1:a-2`]);
    // daily totals equal the sum of the turns
    const daily = (await readTable<{ site: string; inputTokens: number; outputTokens: number }>(ext, 'daily')).filter(
      (d) => d.site === SITE,
    );
    const sum = (xs: Array<{ inputTokens: number; outputTokens: number }>) =>
      xs.reduce((a, x) => a + x.inputTokens + x.outputTokens, 0);
    expect(sum(daily)).toBe(sum(rows));
    await page.close();
  });

  it('a stream stopped halfway counts what was generated, as aborted', async () => {
    const page = await openApp(`${SITE}/`);
    await sendChatgpt(page, 'stopped.sse', 'request-next.json');
    const row = await waitFor(async () => (await turnsOf(SITE)).find((t) => t.id.endsWith(':a-4')));
    expect(row).toMatchObject({ status: 'aborted' });
    await page.close();
  });

  it('a changed shape: nothing counted, and the popup and the options page say "not recognised"', async () => {
    const before = (await turnsOf(SITE)).length;
    const page = await openApp(`${SITE}/`);
    await sendChatgpt(page, 'changed-shape.sse', 'request-next.json');
    const h = await waitFor(async () =>
      (await health()).find((x) => x.site === SITE && (x.lastUnrecognisedAt ?? 0) > (x.lastRecognisedAt ?? 0)),
    );
    expect(h).toBeTruthy();
    expect((await turnsOf(SITE)).length).toBe(before);
    await page.close();

    const popup = await openExtensionPage(b, 'popup.html');
    const notice = popup.locator(`[data-testid="health-unrecognised"][data-site="${SITE}"]`);
    await expect.poll(() => notice.innerText(), { timeout: 10_000 }).toMatch(/^ChatGPT: not recognised since/);
    await screenshot(popup, 'public-apps-chatgpt-drift');
    await popup.close();

    const options = await openExtensionPage(b, 'options.html');
    const row = options.locator('[data-testid="builtin-app"][data-app="chatgpt"]');
    await expect.poll(() => row.innerText(), { timeout: 10_000 }).toMatch(/ChatGPT: not recognised since/);
    await options.close();
  });

  it('switched off in the options page: nothing is recorded there; on again: counted', async () => {
    const options = await openExtensionPage(b, 'options.html');
    const row = options.locator('[data-testid="builtin-app"][data-app="chatgpt"]');
    await row.locator('[data-testid="builtin-toggle"]').uncheck();
    await expect.poll(() => row.getAttribute('data-enabled')).toBe('false');
    const before = (await turnsOf(SITE)).length;
    const page = await openApp(`${SITE}/`);
    await sendChatgpt(page, 'branch.sse', 'request-next.json');
    await new Promise((r) => setTimeout(r, 2_500));
    expect((await turnsOf(SITE)).length).toBe(before);
    await row.locator('[data-testid="builtin-toggle"]').check();
    await expect.poll(() => row.getAttribute('data-enabled')).toBe('true');
    await sendChatgpt(page, 'branch.sse', 'request-next.json');
    await waitFor(async () => (await turnsOf(SITE)).length === before + 1);
    expect((await turnsOf(SITE)).length).toBe(before + 1);
    await page.close();
    await options.close();
  });
});
