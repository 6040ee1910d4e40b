// Issue 7: a user-added internal site in Firefox. The options page adds `http://localhost:<port>` (the demo
// tool under another host name: the demo build tracks only 127.0.0.1), Firefox grants the optional host
// permission, the background registers the content scripts at runtime, a chat there is recorded with the
// usage the demo server logged; removing the site unregisters them and nothing more is recorded.
//
// The permission: the test profile sets `extensions.webextOptionalPermissionPrompts` to false (harness.ts).
// Verified here that it really grants, and grants only what was asked: `permissions.request` from the real
// click resolves true with no prompt and `permissions.contains` then holds for the site, while a bare
// `permissions.request` without a click is still refused (Firefox wants a user input handler), and the
// origin is not granted before the click.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { startDemo, type DemoServer } from '../demo/server';
import { launchFirefox, readTable, screenshot, waitFor, type ExtensionPage, type FirefoxExt } from './harness';
import { sendChat, type StoredTurn } from './demo-driver';

let demo: DemoServer;
let ff: FirefoxExt;
let toolOrigin: string;
let ext: ExtensionPage;

beforeAll(async () => {
  demo = await startDemo({ quiet: true });
  toolOrigin = `http://localhost:${new URL(demo.chatUrl).port}`;
  ff = await launchFirefox();
  ext = await ff.openExtensionPage('popup.html');
});
afterAll(async () => {
  await ff?.close();
  await demo?.close();
});

const turnsFor = async (site: string) => (await readTable<StoredTurn>(ext, 'turns')).filter((t) => t.site === site);
/** Firefox's match patterns cannot name a port, so the site's pattern is its host's (utils/sites.ts). */
const hostPattern = (origin: string) => `${new URL(origin).protocol}//${new URL(origin).hostname}/*`;
const accessTo = (origin: string) =>
  ext.evaluate<boolean>(`browser.permissions.contains({ origins: [${JSON.stringify(hostPattern(origin))}] })`);
const ourRegistrations = () =>
  ext.evaluate<Array<{ id: string; matches: string[] }>>(
    `browser.scripting.getRegisteredContentScripts().then((s) => s.map(({ id, matches }) => ({ id, matches })))`,
  );
/** Whether Tokenwise's page hook is in the page (utils/capture/install.ts marks the window). */
const hooked = (page: Page) =>
  page.evaluate(() => (globalThis as unknown as Record<symbol, unknown>)[Symbol.for('tokenwise.capture')] === true);

/**
 * Opens the tool in a fresh tab and chats once: the reply's response id, whether the hook was in the page,
 * and the tab (closed by the caller once what it waits for is stored: a fact not yet acknowledged when its
 * tab closes waits in the outbox for the background's next drain).
 */
async function chatOnTool(text: string): Promise<{ id: string; hooked: boolean; page: Page }> {
  const page = await ff.browser.newPage();
  await page.goto(`${toolOrigin}/?format=openai-chat-sse&cross=0`);
  return { hooked: await hooked(page), id: await sendChat(page, text), page };
}

describe('Firefox: a user-added internal site', () => {
  it('is not tracked before it is added', async () => {
    expect(await accessTo(toolOrigin)).toBe(false);
    const refused = await ext.evaluate<string>(
      `browser.permissions.request({ origins: [${JSON.stringify(hostPattern(toolOrigin))}] }).then(String, (e) => e.message)`,
    );
    expect(refused, 'no user gesture, no permission').toMatch(/user input/i);
    const chat = await chatOnTool('before adding');
    expect(chat.hooked).toBe(false);
    expect(await turnsFor(toolOrigin)).toEqual([]);
    await chat.page.close();
  });

  it('is added on the options page: access granted, scripts registered, its chat recorded exactly', async () => {
    const options = await ff.openExtensionPage('options.html');
    const { page } = options;
    await page.setViewport({ width: 1100, height: 900 });
    await page.type('#site-address', toolOrigin);
    await page.type('#site-name', 'Acme Assist');
    await page.click('#add-site'); // a real click: permissions.request gets its user gesture
    const status = await page.waitForSelector('[data-testid="add-site-status"]', { timeout: 10_000 });
    expect(await status!.evaluate((e) => e.textContent)).toContain(`Tracking ${new URL(toolOrigin).host}`);

    expect(await accessTo(toolOrigin), 'Firefox granted the optional host permission').toBe(true);
    const row = `[data-testid="user-site"][data-origin="${toolOrigin}"]`;
    await page.waitForSelector(`${row}[data-access="active"]`, { timeout: 10_000 });
    const registered = await waitFor(async () => {
      const ids = (await ourRegistrations()).filter((s) => s.id.endsWith(`@${toolOrigin}`));
      return ids.length === 2 ? ids : undefined;
    });
    expect(registered?.map((s) => s.id).sort()).toEqual([`tw-hook@${toolOrigin}`, `tw-relay@${toolOrigin}`]);
    expect(registered?.every((s) => s.matches.join() === hostPattern(toolOrigin))).toBe(true);

    const chat = await chatOnTool('after adding');
    expect(chat.hooked, 'the registered hook ran in the page').toBe(true);
    const turn = await waitFor(async () => (await turnsFor(toolOrigin)).find((t) => t.id.endsWith(chat.id)));
    const logged = demo.log.find((e) => e.id === chat.id);
    expect(logged?.usageSent).toBe(true);
    expect(turn).toMatchObject({
      site: toolOrigin,
      source: 'exact',
      inputTokens: logged!.inputTokens,
      outputTokens: logged!.outputTokens,
    });
    await chat.page.close();
    await page.waitForSelector(`${row} [data-testid="site-state"][data-state="ok"]`, { timeout: 10_000 });
    await screenshot(page, 'options-sites', { fullPage: false });
    await options.close();
  });

  it('once removed: scripts unregistered, access given back, and a chat there is not recorded', async () => {
    const options = await ff.openExtensionPage('options.html');
    const { page } = options;
    const row = `[data-testid="user-site"][data-origin="${toolOrigin}"]`;
    page.once('dialog', (d) => void d.accept()); // "Stop tracking Acme Assist?"
    await page.click(`${row} [data-testid="remove-site"]`);
    await page.waitForSelector(row, { hidden: true, timeout: 10_000 });

    expect(await waitFor(async () => (await ourRegistrations()).every((s) => !s.id.endsWith(`@${toolOrigin}`)))).toBe(
      true,
    );
    expect(await accessTo(toolOrigin)).toBe(false);

    const before = (await turnsFor(toolOrigin)).length;
    const chat = await chatOnTool('after removing');
    expect(chat.hooked).toBe(false);
    // Anything already on its way would arrive within the time the recorded chat above needed.
    await new Promise((r) => setTimeout(r, 1500));
    expect((await turnsFor(toolOrigin)).length).toBe(before);
    await chat.page.close();
    await options.close();
  });
});
