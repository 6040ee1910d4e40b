// Firefox smoke test (issue 7): the Firefox (MV3) demo build installed in real Firefox records one chat in
// the demo tool with exactly the usage the demo server logged (the reply and its hidden auto-title call), and
// the popup shows their total.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemo, type DemoServer } from '../demo/server';
import { launchFirefox, readTable, waitFor, type ExtensionPage, type FirefoxExt } from './harness';
import { sendChat, type StoredTurn } from './demo-driver';

let demo: DemoServer;
let ff: FirefoxExt;

beforeAll(async () => {
  demo = await startDemo({ quiet: true });
  ff = await launchFirefox();
});
afterAll(async () => {
  await ff?.close();
  await demo?.close();
});

describe('Firefox', () => {
  it('records a chat in the demo tool with the exact usage the server logged, and the popup shows it', async () => {
    const site = new URL(demo.chatUrl).origin;
    const page = await ff.browser.newPage();
    await page.goto(`${demo.chatUrl}?format=openai-chat-sse&cross=0`);
    const responseId = await sendChat(page, 'Hello from Firefox');
    const logged = demo.log.find((e) => e.id === responseId);
    expect(logged, 'the demo server logged the reply').toBeDefined();

    let popup: ExtensionPage | undefined;
    try {
      popup = await ff.openExtensionPage('popup.html');
      const id = `${site}|openai-chat:${responseId}`;
      const turn = await waitFor(async () => (await readTable<StoredTurn>(popup!, 'turns')).find((t) => t.id === id));
      expect(turn, `no turn ${id} in the extension's IndexedDB`).toBeDefined();
      expect(turn).toMatchObject({ site, format: 'openai-chat', source: 'exact', status: 'complete' });
      expect([turn!.inputTokens, turn!.outputTokens]).toEqual([logged!.inputTokens, logged!.outputTokens]);

      // Every call the demo page made (the reply and its hidden auto-title call) is stored, exactly.
      const sum = (xs: { inputTokens: number; outputTokens: number }[]) =>
        xs.reduce((n, x) => n + x.inputTokens + x.outputTokens, 0);
      const exactLogged = sum(demo.log.filter((e) => e.usageSent));
      const stored = await waitFor(async () => {
        const n = sum((await readTable<StoredTurn>(popup!, 'turns')).filter((t) => t.source === 'exact'));
        return n === exactLogged ? n : 0;
      });
      expect(stored, "exact tokens stored against the demo server's log").toBe(exactLogged);

      // The popup, opened after the turns were stored, shows today's total for the site.
      await popup.close();
      popup = await ff.openExtensionPage('popup.html');
      const total = exactLogged.toLocaleString('en-US');
      const today = await waitFor(() =>
        popup!.evaluate<string | null>(
          `document.querySelector('tr[data-site="${site}"] [data-testid="site-today"]')?.textContent ?? null`,
        ),
      );
      expect(today?.replace(/\s+/g, ' ').trim()).toBe(total);
    } finally {
      await popup?.close();
      await page.close();
    }
  });
});
