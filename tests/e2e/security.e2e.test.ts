// Security (tests 24, 25 and 12 in ../shared/docs/reliability-tests.md): a hostile page forges bridge events,
// facts and traffic; a content-script world asks for privileged actions and speaks for another site; and no
// Tokenwise data ever lands in a page's own storage.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startDemo, type DemoServer } from '../demo/server';
import { launch, openExtensionPage, readTable, waitFor, type ExtBrowser } from './harness';
import { sendChat } from './demo-driver';
import { ABSURD_IDS, IDS, startHostileServer } from './fixtures/hostile-server';
import {
  evaluateInIsolatedWorld,
  healthOf,
  outboxFor,
  sleep,
  sumTurns,
  dailyOf,
  turnProblems,
  turnsOf,
  type FixtureServer,
} from './support';

let b: ExtBrowser;
let ext: Page;
const servers: Array<FixtureServer | DemoServer> = [];

beforeAll(async () => {
  b = await launch();
  ext = await openExtensionPage(b, 'popup.html');
});
afterAll(async () => {
  await b?.close();
  await Promise.all(servers.map((s) => s.close()));
});

interface Heartbeat {
  maxTimerGap: number;
  maxFrameGap: number;
  ticks: number;
  frames: number;
}

/** Opens the hostile page, runs its scenario, collects page errors. */
async function runHostile(origin: string, mode: 'forge' | 'flood') {
  const page = await b.ctx.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(`${origin}/forged.html?mode=${mode}`);
  const result = await page.evaluate(() => (window as unknown as { __start(): Promise<unknown> }).__start());
  return { page, pageErrors, result: result as Record<string, unknown> & { hb: Heartbeat; error?: string } };
}

/** Waits until the site's outbox is empty and its row count has not moved for a while. */
async function settle(site: string, quietMs = 1500): Promise<number> {
  let last = -1;
  let stableSince = Date.now();
  const end = Date.now() + 30_000;
  while (Date.now() < end) {
    const n = (await turnsOf(ext, site)).length;
    const pending = (await outboxFor(ext, site)).length;
    if (n !== last || pending > 0) {
      last = n;
      stableSince = Date.now();
    } else if (Date.now() - stableSince >= quietMs) return n;
    await sleep(200);
  }
  throw new Error(`site ${site} did not settle`);
}

describe('test 24: forged page messages', () => {
  it('stores nothing beyond validated, rate-limited records; no page errors; the page stays responsive', async () => {
    const forgeServer = await startHostileServer();
    const floodServer = await startHostileServer();
    servers.push(forgeServer, floodServer);

    // --- forged bridge events, forged facts, forged and malformed traffic
    const forge = await runHostile(forgeServer.origin, 'forge');
    expect(forge.result.error).toBeUndefined();
    expect(forge.result.bridgeSeen, 'only the two events the page dispatched itself: no offer came back').toEqual([
      { data: 'tokenwise:hello', ports: 0 },
      { data: 'tokenwise:offer', ports: 1 },
    ]);
    expect(forge.result.offerAccepted, 'the hook did not adopt the forged port').toBe(false);
    expect(forge.result.portMessages).toEqual([]);

    const site = forgeServer.origin;
    await settle(site);
    const turns = await turnsOf(ext, site);
    const keys = turns.map((t) => t.id.slice(site.length + 1));
    expect(keys, 'the valid control reply is stored').toContain(`openai-chat:${IDS.valid}`);
    for (const id of [...ABSURD_IDS, ...IDS.forged]) {
      expect(keys, `${id} must not be stored`).not.toContain(`openai-chat:${id}`);
    }
    expect(turns.flatMap(turnProblems)).toEqual([]);
    expect(Math.max(...turns.flatMap((t) => [t.inputTokens, t.outputTokens]))).toBeLessThan(1_000_000);
    const health = await waitFor(async () => {
      const h = await healthOf(ext, site);
      return h && h.rejected >= ABSURD_IDS.length ? h : undefined;
    }, 10_000);
    expect(health?.rejected, 'each absurd fact counted as rejected').toBeGreaterThanOrEqual(ABSURD_IDS.length);
    expect(forge.pageErrors).toEqual([]);
    console.log(
      `test 24 forge: stored ${keys.length}, rejected ${health?.rejected}, heartbeat ${JSON.stringify(forge.result.hb)}`,
    );

    // --- 2100 valid-looking replies: 1500 in one stream, then 600 responses as fast as the page can fetch
    const flood = await runHostile(floodServer.origin, 'flood');
    expect(flood.result.error).toBeUndefined();
    expect(flood.result.errors).toBe(0);
    const floodSite = floodServer.origin;
    const stored = await settle(floodSite);
    const total = flood.result.total as number;
    expect(total).toBe(2100);
    const seconds = ((flood.result.lastAt as number) - (flood.result.firstAt as number)) / 1000;
    const cap = 100 + 5 * (seconds + 1);
    console.log(
      `test 24 flood: ${total} replies in ${seconds.toFixed(1)} s → ${stored} stored (cap ${cap.toFixed(0)}), heartbeat ${JSON.stringify(flood.result.hb)}`,
    );
    expect(stored, 'the burst allowance is stored').toBeGreaterThanOrEqual(100);
    expect(stored, 'at most burst 100 + 5/s').toBeLessThanOrEqual(cap);
    const floodTurns = await turnsOf(ext, floodSite);
    expect(floodTurns.flatMap(turnProblems)).toEqual([]);
    expect(sumTurns(await dailyOf(ext, floodSite))).toBe(stored);
    const floodHealth = await waitFor(async () => {
      const h = await healthOf(ext, floodSite);
      return h && h.rejected >= total - stored ? h : undefined;
    }, 10_000);
    expect(floodHealth?.rejected, 'everything over the limit is counted').toBeGreaterThanOrEqual(total - stored);
    const floodKeys = floodTurns.map((t) => t.id.slice(floodSite.length + 1));
    const fromStream = floodKeys.filter((k) => k.startsWith('openai-chat:chatcmpl-multi-'));
    expect(fromStream.length, 'the burst allowance went to the first replies').toBeGreaterThanOrEqual(100);
    expect(fromStream.slice().sort(), 'in arrival order: the first 100 of the stream').toEqual(
      expect.arrayContaining(Array.from({ length: 100 }, (_, i) => `openai-chat:chatcmpl-multi-${i}`)),
    );
    expect(flood.pageErrors).toEqual([]);

    // --- responsiveness: timers and frames kept running through both scenarios
    for (const { hb } of [forge.result, flood.result]) {
      expect(hb.ticks).toBeGreaterThan(5);
      expect(hb.frames).toBeGreaterThan(5);
      expect(hb.maxTimerGap, 'longest gap between 10 ms timer ticks').toBeLessThan(1000);
      expect(hb.maxFrameGap, 'longest gap between animation frames').toBeLessThan(1000);
    }
    // Still responsive afterwards.
    expect(await flood.page.evaluate(() => new Promise((r) => setTimeout(() => r('tick'), 10)))).toBe('tick');
    await flood.page.close();
    await forge.page.close();
  });
});

describe('test 25: privileged messages from a content-script context', () => {
  it('rejects UI requests and deliveries for another site sent from the isolated world', async () => {
    const server = await startHostileServer();
    servers.push(server);
    const other = await startHostileServer();
    servers.push(other);
    const page = await b.ctx.newPage();
    await page.goto(`${server.origin}/forged.html?mode=none`);

    const fact = (id: string, apiOrigin: string) => ({
      key: `openai-chat:${id}`,
      format: 'openai-chat',
      transport: 'fetch',
      inputTokens: 1,
      outputTokens: 2,
      source: 'exact',
      status: 'complete',
      startedAt: Date.now(),
      apiOrigin,
    });
    const send = async (msg: unknown) => {
      const r = await evaluateInIsolatedWorld(page, b, `chrome.runtime.sendMessage(${JSON.stringify(msg)})`);
      expect(r.exception).toBeUndefined();
      return r.value as { ok: boolean; error?: string; stored?: number };
    };

    const drain = await send({ type: 'drain-outbox' });
    expect(drain).toMatchObject({ ok: false });
    expect(await send({ type: 'refresh-badge' })).toMatchObject({ ok: false });

    const crossSite = await send({
      type: 'deliver',
      facts: [{ site: other.origin, fact: fact('chatcmpl-cross-site', other.origin) }],
    });
    expect(crossSite).toMatchObject({ ok: false });
    const mixed = await send({
      type: 'deliver',
      facts: [
        { site: server.origin, fact: fact('chatcmpl-mixed-own', server.origin) },
        { site: other.origin, fact: fact('chatcmpl-mixed-other', other.origin) },
      ],
    });
    expect(mixed).toMatchObject({ ok: false });

    // Control: the same channel does accept a fact for the page's own origin, so the rejections above are
    // decisions, not a broken channel.
    const own = await send({
      type: 'deliver',
      facts: [{ site: server.origin, fact: fact('chatcmpl-own-site', server.origin) }],
    });
    expect(own).toMatchObject({ ok: true, stored: 1 });

    const all = await readTable<{ id: string }>(ext, 'turns');
    const ids = all.map((t) => t.id);
    expect(ids).toContain(`${server.origin}|openai-chat:chatcmpl-own-site`);
    for (const id of ['chatcmpl-cross-site', 'chatcmpl-mixed-own', 'chatcmpl-mixed-other']) {
      expect(
        ids.filter((x) => x.endsWith(`|openai-chat:${id}`)),
        id,
      ).toEqual([]);
    }
    expect((await healthOf(ext, server.origin))?.rejected).toBeGreaterThanOrEqual(2);

    // The page's own world cannot reach the extension at all (no externally_connectable).
    const fromPage = await page.evaluate(async (id) => {
      const c = (window as unknown as { chrome?: { runtime?: { sendMessage?: (...a: unknown[]) => unknown } } }).chrome;
      if (typeof c?.runtime?.sendMessage !== 'function') return 'no runtime.sendMessage';
      try {
        await c.runtime.sendMessage(id, { type: 'drain-outbox' });
        return 'sent';
      } catch (e) {
        return `threw: ${String(e)}`;
      }
    }, b.extId);
    expect(fromPage).not.toBe('sent');
    await page.close();
  });
});

describe('test 12: no data in the page origin', () => {
  it('leaves nothing in the page’s IndexedDB, localStorage, sessionStorage or caches', async () => {
    const demo = await startDemo({ quiet: true });
    servers.push(demo);
    const site = new URL(demo.chatUrl).origin;
    const page = await b.ctx.newPage();
    await page.goto(`${demo.chatUrl}?format=openai-chat-sse&autotitle=0`);
    const id = await sendChat(page, 'Where do you keep my numbers?');
    await page.goto(`${demo.chatUrl}?format=anthropic-sse&cross=1`);
    const crossId = await sendChat(page, 'And across origins?');
    const want = [`${site}|openai-chat:${id}`, `${site}|anthropic-messages:${crossId}`];
    const stored = async () => {
      const ids = (await turnsOf(ext, site)).map((t) => t.id);
      return want.every((k) => ids.includes(k));
    };
    expect(await waitFor(stored), 'the extension was at work on this page').toBe(true);

    for (const origin of [site, demo.apiOrigin]) {
      if (origin !== site) await page.goto(`${origin}/`);
      const found = await page.evaluate(async () => ({
        databases: (await indexedDB.databases()).map((d) => d.name),
        local: Object.keys(localStorage),
        session: Object.keys(sessionStorage),
        caches: await caches.keys(),
        cookie: document.cookie,
      }));
      expect(found.databases, origin).toEqual([]);
      expect(
        found.local.filter((k) => !k.startsWith('acme-assist:')),
        `${origin}: localStorage keys not written by the demo app`,
      ).toEqual([]);
      expect(found.session).toEqual([]);
      expect(found.caches).toEqual([]);
      expect(found.cookie).toBe('');
    }
    await page.close();
  });
});
