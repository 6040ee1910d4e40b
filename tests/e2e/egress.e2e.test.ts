// No egress (test 10 in ../shared/docs/reliability-tests.md): a scripted session — chats in every demo format,
// same- and cross-origin, the popup and options pages, a worker stop and restart — with every request the
// browser makes routed through a logging proxy that forwards only to loopback. Pass: nothing but the demo
// servers was asked for by any page, content script or worker, and the extension's own service worker and
// pages sent no network request at all (CDP Network events on those targets).
//
// Chromium's browser process itself still calls Google services despite the quiet flags (seen here, with no
// page open at all: update.googleapis.com, accounts.google.com; clients2.google.com/time unless
// NetworkTimeServiceQuerying is off). Those are told apart from ours: no page, frame or worker of the
// context issued them (Playwright sees every request those make), they go to Google browser-service hosts
// only, and the proxy refused them all, so nothing left the machine.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Request } from 'playwright-core';
import { startDemo, type DemoServer } from '../demo/server';
import { launch, openExtensionPage, stopWorker, waitFor, type ExtBrowser } from './harness';
import { sendChat } from './demo-driver';
import { startLoggingProxy, type ProxiedRequest } from './fixtures/logging-proxy';
import {
  markWorker,
  sendFromExtensionPage,
  startFixtureServer,
  turnsOf,
  watchExtensionNetwork,
  workerMarked,
  type FixtureServer,
} from './support';

let proxy: Awaited<ReturnType<typeof startLoggingProxy>>;
let demo: DemoServer;
let control: FixtureServer;
let b: ExtBrowser;
/** Every request issued by a page, frame (content scripts included) or worker of the browser context. */
const contextRequests: Array<{ url: string; by: string }> = [];

const GOOGLE_BROWSER_SERVICES = /(^|\.)(google\.com|googleapis\.com|gvt1\.com|gstatic\.com)(:\d+)?$/;

beforeAll(async () => {
  [proxy, demo, control] = await Promise.all([
    startLoggingProxy(),
    startDemo({ quiet: true }),
    startFixtureServer((_req, res) => void res.end('control')),
  ]);
  b = await launch({
    args: [
      `--proxy-server=http://127.0.0.1:${proxy.port}`,
      '--proxy-bypass-list=<-loopback>',
      // QUIET_FLAGS' list plus the network-time query (a flag given twice: the last one counts).
      '--disable-features=OptimizationHints,MediaRouter,Translate,AutofillServerCommunication,CertificateTransparencyComponentUpdater,NetworkTimeServiceQuerying',
    ],
  });
  b.ctx.on('request', (r) => {
    let by = 'worker';
    try {
      by = r.frame().url();
    } catch {
      by = r.serviceWorker()?.url() ?? 'worker';
    }
    contextRequests.push({ url: r.url(), by });
  });
});
afterAll(async () => {
  await b?.close();
  await Promise.all([proxy?.close(), demo?.close(), control?.close()]);
});

/** Schemes that leave the browser. chrome-extension:, data:, blob: loads of our own pages are not network. */
const isNetwork = (url: string) => /^(https?|wss?|ftp):/i.test(url);

describe('test 10: zero network requests', () => {
  it('sends nothing anywhere but the demo servers; the worker and extension pages send nothing at all', async () => {
    const watch = await watchExtensionNetwork(b);
    // Playwright's own view of the same traffic, as a second witness: requests by the service worker, and by
    // frames on the extension's origin.
    const extOrigin = `chrome-extension://${b.extId}/`;
    const fromExtension: string[] = [];
    const onRequest = (r: Request) => {
      let frameUrl = '';
      try {
        frameUrl = r.frame().url();
      } catch {
        // service-worker requests have no frame
      }
      if (r.serviceWorker()?.url().startsWith(extOrigin) || frameUrl.startsWith(extOrigin)) {
        fromExtension.push(r.url());
      }
    };
    b.ctx.on('request', onRequest);

    const site = new URL(demo.chatUrl).origin;
    const formats = [
      'openai-chat-sse',
      'openai-chat-json',
      'openai-responses-sse',
      'anthropic-sse',
      'openai-chat-sse-nousage',
    ];
    const tab = await b.ctx.newPage();
    let chats = 0;
    for (const [i, format] of formats.entries()) {
      await tab.goto(`${demo.chatUrl}?format=${format}&cross=${i % 2}`);
      await sendChat(tab, `Egress check ${format}`);
      chats++;
    }
    const popup = await openExtensionPage(b, 'popup.html');
    await popup.locator(`tr[data-site="${site}"]`).waitFor();
    const options = await openExtensionPage(b, 'options.html');
    await options.waitForLoadState('load');

    // Worker stop and restart, then one more chat handled by the new worker.
    await markWorker(b);
    expect(await stopWorker(b)).toBe(true);
    await sendFromExtensionPage(popup, { type: 'refresh-badge' });
    expect(await workerMarked(b)).toBe(false);
    await tab.goto(`${demo.chatUrl}?format=anthropic-sse&cross=1`);
    await sendChat(tab, 'After the worker restarted');
    chats++;
    // (The demo also asks for a conversation title in the background: at least one row per chat.)
    expect(await waitFor(async () => (await turnsOf(popup, site)).length >= chats, 15_000)).toBe(true);
    await popup.reload();
    await popup.locator(`tr[data-site="${site}"]`).waitFor();

    // --- verdict
    const allowed = new Set([new URL(demo.chatUrl).host, new URL(demo.apiOrigin).host]);
    const hostOf = (url: string) => {
      try {
        return new URL(url).host;
      } catch {
        return '';
      }
    };
    const ours = contextRequests.filter((r) => isNetwork(r.url) && !allowed.has(hostOf(r.url)));
    expect(ours, 'requests by pages, content scripts or workers to anything but the demo servers').toEqual([]);
    expect(
      proxy.log.some((r) => r.host === new URL(demo.chatUrl).host),
      'loopback went through the proxy',
    ).toBe(true);
    expect(proxy.log.some((r) => r.host === new URL(demo.apiOrigin).host)).toBe(true);

    const describeReq = (r: ProxiedRequest) => `${r.kind} ${r.method} ${r.url.slice(0, 100)}`;
    const elsewhere = proxy.log.filter((r) => !allowed.has(r.host));
    if (elsewhere.length > 0)
      console.log(`test 10: browser-process requests (refused):\n  ${elsewhere.map(describeReq).join('\n  ')}`);
    const contextHosts = new Set(contextRequests.map((r) => hostOf(r.url)));
    for (const r of elsewhere) {
      const host = r.kind === 'connect' ? r.host.replace(/:443$/, '') : r.host;
      expect(r.refused, `${describeReq(r)} never left the machine`).toBe(true);
      expect(host, `${describeReq(r)}: only Google browser services are explained`).toMatch(GOOGLE_BROWSER_SERVICES);
      expect(contextHosts.has(host) || contextHosts.has(r.host), `${describeReq(r)} came from a page or worker`).toBe(
        false,
      );
    }

    expect(
      watch.attached.some((t) => t.startsWith('service_worker ')),
      'watching the worker',
    ).toBe(true);
    expect(
      watch.attached.some((t) => t.includes('/popup.html')),
      'watching the popup',
    ).toBe(true);
    expect(
      watch.attached.some((t) => t.includes('/options.html')),
      'watching the options page',
    ).toBe(true);
    const extNetwork = watch.requests.filter((r) => isNetwork(r.url));
    expect(extNetwork, 'network requests by the extension’s worker and pages (CDP)').toEqual([]);
    expect(fromExtension.filter(isNetwork), 'network requests by the extension (Playwright)').toEqual([]);

    // --- control: a request the worker does make is seen by all three witnesses, so the zeros above mean
    // something. (Only the test can make the worker fetch.)
    const controlUrl = `${control.origin}/egress-control`;
    const worker = await b.worker();
    expect(await worker.evaluate((u) => fetch(u).then((r) => r.text()), controlUrl)).toBe('control');
    expect(await waitFor(async () => watch.requests.some((r) => r.url === controlUrl), 5_000)).toBe(true);
    expect(watch.requests.find((r) => r.url === controlUrl)?.target).toMatch(/^service_worker /);
    expect(fromExtension).toContain(controlUrl);
    expect(proxy.log.some((r) => r.url === controlUrl)).toBe(true);

    b.ctx.off('request', onRequest);
    await watch.stop();
    await Promise.all([popup.close(), options.close(), tab.close()]);
  });
});
