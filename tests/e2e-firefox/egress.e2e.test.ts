// Reliability test 10 in Firefox (../shared/docs/reliability-tests.md; tests/e2e/egress.e2e.test.ts is the
// Chromium version): over a session with chats, the popup, the options page, the dashboard and a restart of
// the background, the extension itself sends no network request. Witness: every request Firefox sends, with
// the principal that triggered it (network-watch.ts). A control request from an extension page and one
// from the background page are seen as the extension's, so the zero means something.
//
// Firefox's own requests (system principal: remote settings on firefox.settings.services.mozilla.com, and
// the navigations the test driver asks for) are not the extension's; they are listed, and must go to the
// demo servers or to Mozilla.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { startDemo, type DemoServer } from '../demo/server';
import { launchFirefox, readTable, screenshot, waitFor, type FirefoxExt } from './harness';
import { sendChat, type StoredTurn } from './demo-driver';
import { watchNetwork, type NetworkWatch, type SeenRequest } from './network-watch';

const ADDON_ID = 'tokenwise@tokenwise.invalid';
const MOZILLA = /(^|\.)(mozilla\.(com|org|net)|firefox\.com|mozaws\.net|mozgcp\.net)$/;

let demo: DemoServer;
let ff: FirefoxExt;
let watch: NetworkWatch;
let control: Server;
let controlOrigin: string;
const replies: string[] = [];

beforeAll(async () => {
  demo = await startDemo({ quiet: true });
  control = createServer((_req, res) => void res.end('control'));
  await new Promise<void>((r) => control.listen(0, '127.0.0.1', r));
  controlOrigin = `http://127.0.0.1:${(control.address() as AddressInfo).port}`;
  ff = await launchFirefox();
  watch = await watchNetwork(ff);
});
afterAll(async () => {
  await ff?.close();
  await demo?.close();
  await new Promise((r) => control?.close(r));
});

const hostOf = (url: string) => {
  try {
    return new URL(url).host;
  } catch {
    return '';
  }
};

/** Stops the background page as Firefox does when it is idle; the next event starts it again. */
const stopBackground = () =>
  ff.evaluateInChrome<boolean>(`(async () => {
    const { ExtensionParent } = ChromeUtils.importESModule('resource://gre/modules/ExtensionParent.sys.mjs');
    const extension = ExtensionParent.GlobalManager.getExtension(${JSON.stringify(ADDON_ID)});
    await extension.terminateBackground();
    return true;
  })()`);

describe('Firefox: test 10, zero requests of the extension’s own', () => {
  it('a session: chats, popup, options, dashboard (which shows the chats), a background restart', async () => {
    const site = new URL(demo.chatUrl).origin;
    // One tab per chat, open to the end: a tab navigated away at once could leave its hidden title call's
    // fact in the outbox until the background's next drain, and this test compares exact totals.
    const tabs: Page[] = [];
    const chatIn = async (format: string, cross: 0 | 1, text: string) => {
      const tab = await ff.browser.newPage();
      tabs.push(tab);
      await tab.goto(`${demo.chatUrl}?format=${format}&cross=${cross}`);
      replies.push(await sendChat(tab, text));
    };
    await chatIn('openai-chat-sse', 0, 'Egress check, same origin');
    await chatIn('anthropic-sse', 1, 'Egress check, cross origin');
    const popup = await ff.openExtensionPage('popup.html');
    const stored = async () => {
      const ids = (await readTable<StoredTurn>(popup, 'turns')).map((t) => t.id);
      return replies.every((r) => ids.some((id) => id.endsWith(`:${r}`)));
    };
    expect(await waitFor(stored), 'the chats are recorded').toBe(true);
    await popup.page.waitForSelector(`tr[data-site="${site}"]`, { timeout: 10_000 });

    const options = await ff.openExtensionPage('options.html');
    await options.page.waitForSelector('#site-address');

    // The dashboard shows the recorded chats: every exact token the demo server logged (the replies and their
    // hidden title calls, once all are stored), in this week's figure.
    const sum = (xs: { inputTokens: number; outputTokens: number }[]) =>
      xs.reduce((n, x) => n + x.inputTokens + x.outputTokens, 0);
    const exact = sum(demo.log.filter((e) => e.usageSent));
    const storedExact = async () =>
      sum((await readTable<StoredTurn>(popup, 'turns')).filter((t) => t.source === 'exact'));
    expect(await waitFor(async () => (await storedExact()) === exact)).toBe(true);
    const dash = await ff.openExtensionPage('dashboard.html#range=week');
    await dash.page.setViewport({ width: 1280, height: 900 });
    await dash.page.waitForSelector('main[data-ready="true"]', { timeout: 15_000 });
    const tokensFigure = () =>
      dash.evaluate<string>(`document.querySelector('[data-testid="dash-tokens"]')?.textContent ?? ''`);
    expect(await waitFor(async () => (await tokensFigure()).includes(exact.toLocaleString('en-US')))).toBe(true);
    expect(await dash.evaluate<number>(`document.querySelectorAll('[data-testid="task-row"]').length`)).toBe(2);
    // Charts arrive just after the first render: picture the page as a person sees it a moment later.
    await waitFor(() => dash.evaluate<boolean>(`document.querySelectorAll('canvas').length >= 1`));
    await new Promise((r) => setTimeout(r, 400));
    await screenshot(dash.page, 'dashboard', { fullPage: false });

    // The background stops (as when idle) and the next chat starts it again: a new page, without the mark.
    const backgroundMark = (set: boolean) =>
      options.evaluate<boolean>(
        `browser.runtime.getBackgroundPage().then((bg) => ${set ? '(bg.__testMark = true)' : 'bg.__testMark === true'})`,
      );
    expect(await backgroundMark(true)).toBe(true);
    expect(await stopBackground()).toBe(true);
    await chatIn('openai-responses-sse', 1, 'After the background restarted');
    expect(await waitFor(stored), 'the chat after the restart is recorded').toBe(true);
    expect(await backgroundMark(false), 'a new background page').toBe(false);
    await Promise.all([...tabs.map((t) => t.close()), popup.close(), options.close(), dash.close()]);
  });

  it('the extension sent nothing; every page request went to the demo servers; the control is seen', async () => {
    const seen = await watch.requests();
    const demoHosts = new Set([hostOf(demo.chatUrl), hostOf(demo.apiOrigin)]);
    const describeReq = (r: SeenRequest) => `${r.url.slice(0, 120)} (by ${r.by})`;
    expect(
      seen.some((r) => hostOf(r.url) === hostOf(demo.apiOrigin)),
      'the watch saw the chats',
    ).toBe(true);

    expect(seen.filter((r) => r.addonId).map(describeReq), 'requests by the extension').toEqual([]);
    expect(
      seen.filter((r) => !r.system && !demoHosts.has(hostOf(r.url))).map(describeReq),
      'requests by pages (content scripts included) to anything but the demo servers',
    ).toEqual([]);
    const firefoxOwn = seen.filter((r) => r.system && !demoHosts.has(hostOf(r.url)));
    const listed = [...new Set(firefoxOwn.map(describeReq))];
    if (listed.length > 0) console.log(`test 10, Firefox's own requests:\n  ${listed.join('\n  ')}`);
    for (const r of firefoxOwn) expect(new URL(r.url).hostname, describeReq(r)).toMatch(MOZILLA);

    // Control: requests the extension does make (only the test can make it) are seen as its own.
    const page = await ff.openExtensionPage('options.html');
    const fromPage = `${controlOrigin}/from-extension-page`;
    const fromBackground = `${controlOrigin}/from-background`;
    expect(await page.evaluate<string>(`fetch(${JSON.stringify(fromPage)}).then((r) => r.text())`)).toBe('control');
    expect(
      await page.evaluate<string>(
        `browser.runtime.getBackgroundPage().then((bg) => bg.fetch(${JSON.stringify(fromBackground)})).then((r) => r.text())`,
      ),
    ).toBe('control');
    const after = await watch.requests();
    for (const url of [fromPage, fromBackground]) {
      expect(after.find((r) => r.url === url)?.addonId, url).toBe(ADDON_ID);
    }
    await page.close();
    await watch.stop();
  });
});
