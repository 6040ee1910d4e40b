// Issue 3 in real Chromium against the demo tool: every internal-tool wire format, the hidden title call
// labelled as a background call, agent jobs polled into one record each with status and tool calls, and
// an unrecognised JSON API shown as "not recognised" rather than zero (reliability test 28).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startDemo, type DemoServer } from '../demo/server';
import { launch, openExtensionPage, readTable, screenshot, waitFor, type ExtBrowser, type StoredTurn } from './harness';
import { startFixtureServer, type FixtureServer } from './support';
import { sendChat } from './demo-driver';

type Row = StoredTurn & {
  background?: boolean;
  runId?: string;
  runStatus?: string;
  toolCalls?: Record<string, number>;
  at: number;
};

let demo: DemoServer;
let b: ExtBrowser;
let ext: Page;

beforeAll(async () => {
  demo = await startDemo({ quiet: true, agentSpeed: 'fast' });
  b = await launch();
  ext = await openExtensionPage(b, 'popup.html');
});
afterAll(async () => {
  await b?.close();
  await demo?.close();
});

const turns = () => readTable<Row>(ext, 'turns');

describe.each([
  ['ollama', 'ollama'],
  ['ollama-generate', 'ollama'],
  ['ai-sdk-data', 'ai-sdk'],
  ['ai-sdk-data-steps', 'ai-sdk'],
] as const)('the demo tool speaking %s', (uiFormat, wireFormat) => {
  it('is recorded with the exact usage the server reported', async () => {
    const page = await b.ctx.newPage();
    const started = Date.now();
    await page.goto(`${demo.chatUrl}?format=${uiFormat}&autotitle=0`);
    const id = await sendChat(page, `Hello from ${uiFormat}`);
    const logged = demo.log.find((e) => e.id === id)!;
    expect(logged.usageSent).toBe(true);
    const row = await waitFor(async () =>
      (await turns()).find(
        (t) => t.format === wireFormat && t.at >= started - 1000 && t.outputTokens === logged.outputTokens,
      ),
    );
    expect(row).toMatchObject({ source: 'exact', inputTokens: logged.inputTokens, outputTokens: logged.outputTokens });
    if (uiFormat === 'ai-sdk-data-steps') expect(row!.toolCalls).toEqual({ 'search.docs': 1 });
    await page.close();
  });
});

describe('hidden calls', () => {
  it('records the auto-title call as a background call, apart from the user’s turn', async () => {
    const page = await b.ctx.newPage();
    await page.goto(`${demo.chatUrl}?format=openai-chat-sse`);
    await page.click('#new-chat');
    const chatId = await sendChat(page, 'A question that starts a new conversation');
    const title = await waitFor(async () =>
      demo.log.find((e) => e.kind === 'title' && e.at >= demo.log.find((x) => x.id === chatId)!.at),
    );
    expect(title).toBeDefined();
    const rows = await waitFor(async () => {
      const all = await turns();
      const user = all.find((t) => t.id.endsWith(`openai-chat:${chatId}`));
      const hidden = all.find((t) => t.id.endsWith(`openai-chat:${title!.id}`));
      return user && hidden ? { user, hidden } : undefined;
    });
    expect(rows!.user.background).toBeUndefined();
    expect(rows!.hidden).toMatchObject({
      background: true,
      source: 'exact',
      inputTokens: title!.inputTokens,
      outputTokens: title!.outputTokens,
    });
    await page.close();
  });
});

describe('agent runs', () => {
  it('records one row per job however often it is polled, with the final usage, status and tool calls', async () => {
    const page = await b.ctx.newPage();
    await page.goto(`${demo.agentUrl}?speed=fast`);
    const run = async (template: string) => {
      const before = await page.locator('.job').count();
      await page.click(`label[data-template="${template}"]`);
      await page.click('#run-job');
      await expect.poll(() => page.locator('.job').count()).toBe(before + 1);
      return (await page.locator('#job-detail').getAttribute('data-job-id'))!;
    };
    const done = await run('triage-inbox');
    await page.locator(`.job[data-job-id="${done}"][data-status="completed"]`).waitFor({ timeout: 30_000 });
    const failed = await run('update-deps');
    await page.locator(`.job[data-job-id="${failed}"][data-status="failed"]`).waitFor({ timeout: 30_000 });
    const cancelled = await run('standup-slack');
    await page.click('#cancel-job');
    await page.locator(`.job[data-job-id="${cancelled}"][data-status="cancelled"]`).waitFor({ timeout: 30_000 });
    // Let a few more polls and list refreshes arrive: they must update, never add.
    await page.waitForTimeout(2500);

    for (const [jobId, status] of [
      [done, 'completed'],
      [failed, 'failed'],
      [cancelled, 'cancelled'],
    ] as const) {
      const logged = demo.log.find((e) => e.id === jobId)!;
      const rows = await waitFor(async () => {
        const r = (await turns()).filter((t) => t.runId === jobId);
        return r.length > 0 && r[0]!.runStatus === status ? r : undefined;
      });
      expect(rows, `${jobId} stored once`).toHaveLength(1);
      expect(rows![0]).toMatchObject({
        source: 'exact',
        inputTokens: logged.inputTokens,
        outputTokens: logged.outputTokens,
        runStatus: status,
      });
      expect(rows![0]!.toolCalls ?? {}).toEqual(logged.toolCalls ?? {});
    }

    const popup = await openExtensionPage(b, 'popup.html');
    await popup.setViewportSize({ width: 360, height: 800 });
    await expect
      .poll(() => popup.locator(`[data-testid="agent-run"][data-run-id="${done}"]`).getAttribute('data-status'))
      .toBe('completed');
    await popup.locator(`[data-testid="agent-run"][data-run-id="${done}"] summary`).click();
    await screenshot(popup, 'popup-agent-runs');
    await popup.close();
    await page.close();
  });
});

describe('an unrecognised JSON API on a tracked site (reliability test 28)', () => {
  let api: FixtureServer;
  afterAll(async () => api?.close());

  it('shows "not recognised" in the options page and the popup, not a zero', async () => {
    api = await startFixtureServer((req, res, url) => {
      if (url.pathname === '/') {
        res.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html><title>Changed tool</title>
          <script>fetch('/api/v2/converse', { method: 'POST', body: '{"q":"hi"}' }).then((r) => r.json());</script>`);
      } else if (url.pathname === '/api/v2/converse') {
        // A redesigned API: the reply and its counts moved somewhere no parser knows.
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ answer: { markdown: 'Hi!' }, meter: { units: 42 } }));
      } else res.writeHead(404).end();
    });
    const page = await b.ctx.newPage();
    await page.goto(`${api.origin}/`);
    const options = await openExtensionPage(b, 'options.html');
    const badge = options.locator('[data-testid="builtin-site"] [data-testid="site-state"]');
    await expect.poll(() => badge.getAttribute('data-state'), { timeout: 15_000 }).toBe('unrecognised');
    const popup = await openExtensionPage(b, 'popup.html');
    await expect
      .poll(() => popup.locator(`[data-testid="health-unrecognised"][data-site="${api.origin}"]`).count())
      .toBe(1);
    await screenshot(popup, 'popup-not-recognised');
    await page.close();
  });
});
