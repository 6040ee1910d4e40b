// End to end: chat in the demo tool in every wire format → the stored turns and the popup show exactly
// the token counts the demo server logged (exact) or a marked estimate.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startDemo, type DemoServer } from '../demo/server';
import { launch, openExtensionPage, readTable, screenshot, waitFor, type ExtBrowser, type StoredTurn } from './harness';
import { sendChat } from './demo-driver';
import { formatTokensShort } from '@/utils/format';

type BadgeApi = { chrome: { action: { getBadgeText(d: object): Promise<string> } } };

let demo: DemoServer;
let b: ExtBrowser;
let ext: Page;

beforeAll(async () => {
  demo = await startDemo({ quiet: true });
  b = await launch();
  ext = await openExtensionPage(b, 'popup.html');
});
afterAll(async () => {
  await b?.close();
  await demo?.close();
});

const site = () => new URL(demo.chatUrl).origin;

describe.each([
  ['openai-chat-sse', 'openai-chat', 'exact'],
  ['openai-chat-json', 'openai-chat', 'exact'],
  ['openai-responses-sse', 'openai-responses', 'exact'],
  ['anthropic-sse', 'anthropic-messages', 'exact'],
  ['openai-chat-sse-nousage', 'openai-chat', 'estimated'],
] as const)('demo tool speaking %s', (uiFormat, wireFormat, source) => {
  it.each([false, true])(`is recorded as ${source} (API on another origin: %s)`, async (cross) => {
    const page = await b.ctx.newPage();
    await page.goto(`${demo.chatUrl}?format=${uiFormat}&cross=${cross ? 1 : 0}`);
    const responseId = await sendChat(page, `Tell me about ${uiFormat} ${cross}`);
    const logged = demo.log.find((e) => e.id === responseId)!;
    expect(logged).toBeDefined();
    const turn = await waitFor(async () =>
      (await readTable<StoredTurn>(ext, 'turns')).find((t) => t.id === `${site()}|${wireFormat}:${responseId}`),
    );
    expect(turn).toBeDefined();
    expect(turn).toMatchObject({ site: site(), format: wireFormat, source, status: 'complete' });
    expect(turn!.apiOrigin).toBe(cross ? demo.apiOrigin : site());
    if (source === 'exact') {
      expect([turn!.inputTokens, turn!.outputTokens]).toEqual([logged.inputTokens, logged.outputTokens]);
    } else {
      // An estimate: near the truth, never claimed as exact.
      expect(logged.usageSent).toBe(false);
      expect(turn!.outputTokens).toBeGreaterThan(logged.outputTokens * 0.5);
      expect(turn!.outputTokens).toBeLessThan(logged.outputTokens * 2);
    }
    await page.close();
  });
});

describe('popup', () => {
  it('explains how to start when nothing is recorded yet', async () => {
    const fresh = await launch();
    try {
      const popup = await openExtensionPage(fresh, 'popup.html');
      await popup.setViewportSize({ width: 360, height: 600 });
      await popup.getByTestId('empty-state').waitFor();
      expect(await popup.getByRole('heading', { name: 'No AI usage recorded yet' }).isVisible()).toBe(true);
      await screenshot(popup, 'popup-empty');
    } finally {
      await fresh.close();
    }
  });

  it('shows today’s exact total equal to the demo server’s logged usage, and the estimate apart with ≈', async () => {
    const turns = await readTable<StoredTurn>(ext, 'turns');
    const exactLogged = demo.log.filter((e) => e.usageSent).reduce((sum, e) => sum + e.inputTokens + e.outputTokens, 0);
    const exactStored = turns
      .filter((t) => t.source === 'exact')
      .reduce((s, t) => s + t.inputTokens + t.outputTokens, 0);
    expect(exactStored).toBe(exactLogged);
    const estimated = turns
      .filter((t) => t.source === 'estimated')
      .reduce((s, t) => s + t.inputTokens + t.outputTokens, 0);

    const popup = await openExtensionPage(b, 'popup.html');
    await popup.setViewportSize({ width: 360, height: 600 });
    const row = popup.locator(`tr[data-site="${site()}"]`);
    await row.waitFor();
    const today = (await row.getByTestId('site-today').innerText()).replace(/\s+/g, ' ').trim();
    expect(today).toBe(`${exactLogged.toLocaleString('en-US')} + ≈${estimated.toLocaleString('en-US')}`);
    const badge = await popup.evaluate(() => (globalThis as unknown as BadgeApi).chrome.action.getBadgeText({}));
    expect(badge).toBe(formatTokensShort(exactLogged + estimated));
    await screenshot(popup, 'popup-light');
    await popup.emulateMedia({ colorScheme: 'dark' });
    await screenshot(popup, 'popup-dark');
    await popup.close();
  });
});
