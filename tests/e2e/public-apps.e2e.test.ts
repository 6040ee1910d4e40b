// Issue 6 in real Chromium: the public AI apps on their real hostnames (mapped to a local HTTPS fixture
// server: tests/demo/public-apps.ts), replaying each site's recorded traffic shapes through the real wrapped
// fetch / XHR / WebSocket. ChatGPT: the estimate first, then the real o200k count; a regeneration counts once
// more, a reload does not double count; a changed shape says "not recognised" on the popup and the options page;
// switched off in the options, nothing is recorded. Claude (completion SSE over fetch, a retry_completion, the
// quota windows shown as Claude's own figure), Gemini (StreamGenerate over XHR, cumulative frames), Copilot (the
// chat WebSocket) and Perplexity (perplexity_ask SSE): each counted as an estimate, shown with ≈ in the popup,
// and a reload that replays the same replies does not count them again.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startPublicApps, type PublicAppsServer } from '../demo/public-apps';
import { gemini } from '@/utils/adapters/gemini';
import { estimateTokens } from '@/utils/parsers/estimate';
import { runBody } from '../unit/adapters/site-helpers';
import { launch, openExtensionPage, readTable, screenshot, waitFor, type ExtBrowser, type StoredTurn } from './harness';

let apps: PublicAppsServer;
let b: ExtBrowser;
let ext: Page;

const fixture = (p: string) => readFileSync(new URL(`../fixtures/${p}`, import.meta.url), 'utf8');
/** A fixture of this file's own (tests/e2e/fixtures/public-apps/), served as `e2e/<file>`. */
const e2eFixture = (p: string) => readFileSync(new URL(`./fixtures/public-apps/${p}`, import.meta.url), 'utf8');
const turns = () => readTable<StoredTurn>(ext, 'turns');
const turnsOf = async (site: string) => (await turns()).filter((t) => t.site === site);
const health = () =>
  readTable<{
    site: string;
    lastUnrecognisedAt?: number;
    lastRecognisedAt?: number;
    quota?: { windows: { kind: string; utilization: number; resetsAt?: number }[]; at: number };
  }>(ext, 'health');

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
    ws(p: string, frames: string[]): Promise<string[]>;
  };
};

/** A reply fetched through the page's wrapped fetch: the fixture id (`<site>/<file>`, `e2e/<file>`) and a body. */
const sendFetch = (page: Page, path: string, fixtureId: string, body: string) =>
  page.evaluate(([p, f, b]) => (window as unknown as TW).tw.fetch(p, f, b), [path, fixtureId, body] as const);
const sendXhr = (page: Page, path: string, fixtureId: string, body: string) =>
  page.evaluate(([p, f, b]) => (window as unknown as TW).tw.xhr(p, f, b), [path, fixtureId, body] as const);

const tokensOf = (xs: ReadonlyArray<{ inputTokens: number; outputTokens: number }>) =>
  xs.reduce((a, x) => a + x.inputTokens + x.outputTokens, 0);

/** The site's stored turns, sorted by id, once there are `n` of them (or what there is when time runs out). */
async function turnsWhen(site: string, n: number): Promise<StoredTurn[]> {
  await waitFor(async () => (await turnsOf(site)).length >= n);
  return (await turnsOf(site)).sort((a, b) => a.id.localeCompare(b.id));
}

/** The site's daily rollups agree with its turns (nothing counted twice on either side). */
async function expectDailyMatchesTurns(site: string): Promise<void> {
  const daily = (await readTable<{ site: string; inputTokens: number; outputTokens: number }>(ext, 'daily')).filter(
    (d) => d.site === site,
  );
  expect(tokensOf(daily)).toBe(tokensOf(await turnsOf(site)));
}

/** The popup's row for the site: its today figure, which must be the site's whole total, marked ≈ (estimated). */
async function expectPopupEstimate(site: string, shot: string): Promise<Page> {
  const total = tokensOf(await turnsOf(site));
  expect(total).toBeGreaterThan(0);
  const popup = await openExtensionPage(b, 'popup.html');
  await popup.waitForSelector('main[data-ready="true"]');
  const cell = popup.locator(`tr[data-site="${site}"] [data-testid="site-today"]`);
  await expect.poll(() => cell.innerText(), { timeout: 10_000 }).toBe(`≈${total.toLocaleString('en-US')}`);
  await screenshot(popup, shot);
  return popup;
}

/**
 * Reloads the page, replays what it sent before (`replay`), then sends new replies (`next`, `added` replies the site
 * has not seen): once those are stored, the replayed ones (delivered before them, through the same outbox) have
 * been too. Expects exactly `added` more turns, the earlier turns unchanged, and the rollups in step.
 */
async function expectReloadCountsOnce(
  page: Page,
  site: string,
  replay: () => Promise<unknown>,
  next: () => Promise<unknown>,
  added = 1,
): Promise<StoredTurn[]> {
  const before = await turnsOf(site);
  await page.reload();
  await page.waitForFunction(() => 'tw' in window);
  await replay();
  await next();
  const after = await turnsWhen(site, before.length + added);
  await new Promise((r) => setTimeout(r, 300)); // a late duplicate would land here
  expect((await turnsOf(site)).length).toBe(before.length + added);
  const byId = new Map(after.map((t) => [t.id, t]));
  for (const t of before) expect(byId.get(t.id), t.id).toEqual(t);
  await expectDailyMatchesTurns(site);
  return after;
}

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

describe('Claude on https://claude.ai', () => {
  const SITE = 'https://claude.ai';
  const CONV = '/api/organizations/org-e2e/chat_conversations/4b7e2c9a-1d3f-4e6a-9b8c-2f5d7a1e3c60';
  const ID = `${SITE}|claude-web:chatcompl_01XkQ7mZ3vN8pR2sT5wY9bLd`;
  const RETRY_ID = `${SITE}|claude-web:chatcompl_01Hq4tW8cE2nJ6uA1oG3rV7z`;
  const QUOTA_ID = `${SITE}|claude-web:chatcompl_01E2eQuotaFollowUp7hK3mN9p`;
  const completion = (page: Page) =>
    sendFetch(page, `${CONV}/completion`, 'claude/completion.sse', fixture('claude/completion.request.json'));
  const retry = (page: Page) =>
    sendFetch(
      page,
      `${CONV}/retry_completion`,
      'claude/retry-completion.sse',
      fixture('claude/retry-completion.request.json'),
    );
  let page: Page;

  it('a completion and its retry_completion: two estimated turns, shown with ≈ in the popup', async () => {
    page = await openApp(`${SITE}/chat/4b7e2c9a-1d3f-4e6a-9b8c-2f5d7a1e3c60`);
    expect(await completion(page)).toContain('message_stop'); // the page got its whole stream
    const first = await turnsWhen(SITE, 1);
    expect(first.map((t) => t.id)).toEqual([ID]);
    expect(first[0]).toMatchObject({
      format: 'claude-web',
      transport: 'fetch',
      model: 'claude-sonnet-4-5-20250929',
      status: 'complete',
      source: 'estimated',
    });
    expect(first[0]!.outputTokens).toBeGreaterThan(20);
    expect(first[0]!.inputTokens).toBeGreaterThan(10); // the prompt and its attachment
    await retry(page);
    const rows = await turnsWhen(SITE, 2);
    expect(rows.map((t) => t.id)).toEqual([RETRY_ID, ID]);
    expect(rows.every((t) => t.source === 'estimated')).toBe(true);
    // the retry re-sends the conversation so far: its input is at least the first turn's prompt and reply
    expect(rows[0]!.inputTokens).toBeGreaterThanOrEqual(first[0]!.inputTokens + first[0]!.outputTokens);
    await expectDailyMatchesTurns(SITE);
    // the quota it reported is stored, but its windows reset in the past (March 2026): not shown as current
    expect((await health()).find((h) => h.site === SITE)?.quota?.windows.map((w) => w.kind)).toEqual(['5h', '7d']);
    const popup = await expectPopupEstimate(SITE, 'public-apps-claude-popup');
    expect(await popup.locator(`[data-testid="site-quota"][data-site="${SITE}"]`).count()).toBe(0);
    await popup.close();
  });

  it('a reload that replays both replies counts nothing twice; the next reply counts once', async () => {
    const rows = await expectReloadCountsOnce(
      page,
      SITE,
      async () => {
        await completion(page);
        await retry(page);
      },
      () => sendFetch(page, `${CONV}/completion`, 'e2e/claude-quota.sse', e2eFixture('claude-quota.request.json')),
    );
    expect(rows.map((t) => t.id)).toEqual([ID, RETRY_ID, QUOTA_ID].sort());
  });

  it("the quota windows of the latest reply are shown in the popup as Claude's own figure", async () => {
    const h = (await health()).find((x) => x.site === SITE);
    const now = Date.now();
    expect(h?.quota?.windows.map((w) => [w.kind, w.utilization])).toEqual([
      ['5h', 0.42],
      ['7d', 0.61],
    ]);
    const [five, week] = h!.quota!.windows;
    expect(Math.abs(five!.resetsAt! - (now + 2 * 3_600_000))).toBeLessThan(120_000);
    expect(Math.abs(week!.resetsAt! - (now + 3 * 86_400_000))).toBeLessThan(120_000);
    const popup = await openExtensionPage(b, 'popup.html');
    await popup.waitForSelector('main[data-ready="true"]');
    const line = popup.locator(`[data-testid="site-quota"][data-site="${SITE}"]`);
    await expect
      .poll(() => line.innerText(), { timeout: 10_000 })
      .toMatch(
        /^Claude \(its own figure\): 5-hour limit 42% used, resets (\w+ )?\d{1,2}:\d\d( [AP]M)? · 7-day limit 61% used, resets \w+ \d{1,2}:\d\d( [AP]M)?$/,
      );
    await screenshot(popup, 'public-apps-claude-quota');
    await popup.close();
    await page.close();
  });
});

describe('Gemini on https://gemini.google.com', () => {
  const SITE = 'https://gemini.google.com';
  const PATH =
    '/_/BardChatUi/data/assistant.lamda.BardFrontendService/StreamGenerate?bl=boq_assistant-bard-web-server_20260310.08_p1&f.sid=-4425906129478519273&hl=de&_reqid=2549146&rt=c';
  /** What the adapter itself makes of a fixture, run here in Node: the browser must store the same, once. */
  const expected = (file: string, request: string) =>
    runBody(
      gemini,
      {
        url: `${SITE}${PATH}`,
        method: 'POST',
        contentType: 'application/x-www-form-urlencoded;charset=UTF-8',
        requestBody: fixture(`gemini/${request}`),
      },
      fixture(`gemini/${file}`),
    ).turns;
  const streamGenerate = (page: Page) =>
    sendXhr(page, PATH, 'gemini/stream-generate.txt', fixture('gemini/stream-generate.request.txt'));
  let page: Page;

  it('StreamGenerate over XHR: the cumulative frames count once, as an estimate shown with ≈', async () => {
    const [want] = expected('stream-generate.txt', 'stream-generate.request.txt');
    // every frame repeats the reply so far: the reply is the last frame's text, a fraction of all frames' text
    const frames = fixture('gemini/stream-generate.txt');
    expect(estimateTokens(frames)).toBeGreaterThan(2 * want!.estimatedOutputTokens!);
    page = await openApp(`${SITE}/app`);
    expect(await streamGenerate(page)).toContain('"e"'); // the page got the whole batch
    const rows = await turnsWhen(SITE, 1);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      id: `${SITE}|gemini-web:${want!.id}`,
      format: 'gemini-web',
      transport: 'xhr',
      status: 'complete',
      source: 'estimated',
      outputTokens: want!.estimatedOutputTokens,
      inputTokens: want!.estimatedInputTokens,
    });
    await expectDailyMatchesTurns(SITE);
    await (await expectPopupEstimate(SITE, 'public-apps-gemini-popup')).close();
  });

  it('a reload that replays the reply counts nothing twice; the next reply counts once', async () => {
    const [next] = expected('follow-up.txt', 'follow-up.request.txt');
    const rows = await expectReloadCountsOnce(
      page,
      SITE,
      () => streamGenerate(page),
      () => sendXhr(page, PATH, 'gemini/follow-up.txt', fixture('gemini/follow-up.request.txt')),
    );
    expect(rows.find((t) => t.id === `${SITE}|gemini-web:${next!.id}`)?.outputTokens).toBe(next!.estimatedOutputTokens);
    await page.close();
  });
});

describe('Copilot on https://copilot.microsoft.com', () => {
  const SITE = 'https://copilot.microsoft.com';
  /** The frames a fixture says the page sent; the server answers each with the frames that follow it. */
  const chat = (page: Page, file: string) => {
    const frames = fixture(`copilot/${file}`)
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as [string, unknown])
      .filter(([dir]) => dir === 'sent')
      .map(([, e]) => JSON.stringify(e));
    return page.evaluate(([p, f]) => (window as unknown as TW).tw.ws(p, f), [
      `/c/api/chat?api-version=2&fixture=copilot/${file}`,
      frames,
    ] as const);
  };
  const ids = (...messageIds: string[]) => messageIds.map((m) => `${SITE}|copilot-web:${m}`).sort();
  let page: Page;

  it('two replies over the chat WebSocket: two estimated turns, shown with ≈', async () => {
    page = await openApp(`${SITE}/chats/Yk3tB8qPzW2nR5vX9mLc`);
    const received = await chat(page, 'chat.jsonl');
    expect(received.filter((f) => f.includes('"done"'))).toHaveLength(2); // the page got both replies
    const rows = await turnsWhen(SITE, 2);
    expect(rows.map((t) => t.id)).toEqual(ids('Qz7h2Vx9KpL4mN8bR1cT', 'Jd5wE3rY8uI0oP6aS2fG'));
    for (const t of rows)
      expect(t).toMatchObject({
        format: 'copilot-web',
        transport: 'websocket',
        status: 'complete',
        source: 'estimated',
      });
    const haiku = rows.find((t) => t.id.endsWith('Qz7h2Vx9KpL4mN8bR1cT'))!;
    expect(haiku.outputTokens).toBeGreaterThan(10);
    await expectDailyMatchesTurns(SITE);
    await (await expectPopupEstimate(SITE, 'public-apps-copilot-popup')).close();
  });

  it('a reload that replays the chat counts nothing twice; a regenerated reply counts once more', async () => {
    const rows = await expectReloadCountsOnce(
      page,
      SITE,
      () => chat(page, 'chat.jsonl'),
      () => chat(page, 'regenerate.jsonl'),
      2,
    );
    expect(rows.map((t) => t.id)).toEqual(
      ids('Qz7h2Vx9KpL4mN8bR1cT', 'Jd5wE3rY8uI0oP6aS2fG', 'Rg1nA2bC3dE4fG5hI6jK', 'Rg7lM8nO9pQ0rS1tU2vW'),
    );
    await page.close();
  });
});

describe('Perplexity on https://www.perplexity.ai', () => {
  const SITE = 'https://www.perplexity.ai';
  const ASK = '/rest/sse/perplexity_ask';
  const ask = (page: Page) => sendFetch(page, ASK, 'perplexity/ask.sse', fixture('perplexity/ask.request.json'));
  let page: Page;

  it('a perplexity_ask answer: one estimated turn, shown with ≈', async () => {
    page = await openApp(`${SITE}/`);
    expect(await ask(page)).toContain('end_of_stream');
    const rows = await turnsWhen(SITE, 1);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      id: `${SITE}|perplexity-web:4e7d1c9a-2b5f-4a8e-9c3d-6f1b8e4a2d70`,
      format: 'perplexity-web',
      transport: 'fetch',
      status: 'complete',
      source: 'estimated',
    });
    expect(rows[0]!.outputTokens).toBeGreaterThan(5);
    await expectDailyMatchesTurns(SITE);
    await (await expectPopupEstimate(SITE, 'public-apps-perplexity-popup')).close();
  });

  it('a reload that replays the answer counts nothing twice; the next answer counts once', async () => {
    const rows = await expectReloadCountsOnce(
      page,
      SITE,
      () => ask(page),
      () =>
        sendFetch(
          page,
          ASK,
          'perplexity/follow-up-cumulative.sse',
          fixture('perplexity/follow-up-cumulative.request.json'),
        ),
    );
    expect(rows).toHaveLength(2);
    await page.close();
  });
});
