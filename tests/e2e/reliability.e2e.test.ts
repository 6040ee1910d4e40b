// Lifecycle and delivery (reliability tests 1-5 in ../shared/docs/reliability-tests.md): the service worker is
// stopped mid-burst, is dead when events arrive, sees duplicates, is woken by an event, and shares
// runtime.onMessage with an extension page that answers nothing. Nothing may be lost or counted twice.
// Each test talks to its own demo server, so its page origin (the stored `site`) is its own.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startDemo, type DemoServer } from '../demo/server';
import { launch, openExtensionPage, readTable, stopWorker, waitFor, type ExtBrowser } from './harness';
import { sendChat } from './demo-driver';
import {
  dailyOf,
  markWorker,
  outboxFor,
  sendFromExtensionPage,
  sleep,
  sumTurns,
  turnProblems,
  turnsOf,
  workerMarked,
} from './support';

let b: ExtBrowser;
let ext: Page;
const demos: DemoServer[] = [];

beforeAll(async () => {
  b = await launch();
  ext = await openExtensionPage(b, 'popup.html');
});
afterAll(async () => {
  await b?.close();
  await Promise.all(demos.map((d) => d.close()));
});

async function newDemo(): Promise<{ demo: DemoServer; site: string }> {
  const demo = await startDemo({ quiet: true });
  demos.push(demo);
  return { demo, site: new URL(demo.chatUrl).origin };
}

async function openTab(url: string): Promise<Page> {
  const page = await b.ctx.newPage();
  await page.goto(url);
  return page;
}

interface FireSpec {
  n: number;
  tag: string;
  /** Every k-th request is streamed (SSE with include_usage); 0 = none. */
  streamEvery: number;
  concurrency: number;
  query: string;
  replay?: string;
}

/** Fires same-origin chat completions from the page (the demo assigns each a unique id). Returns errors. */
function fire(page: Page, spec: FireSpec): Promise<string[]> {
  return page.evaluate(async ({ n, tag, streamEvery, concurrency, query, replay }) => {
    const errors: string[] = [];
    let next = 0;
    const one = async (i: number) => {
      const stream = streamEvery > 0 && i % streamEvery === 0;
      const res = await fetch(`/v1/chat/completions${query}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(replay ? { 'x-demo-replay': replay } : {}) },
        body: JSON.stringify({
          model: 'demo-gpt-4o',
          messages: [{ role: 'user', content: replay ? tag : `${tag} ${i}` }],
          stream,
          ...(stream ? { stream_options: { include_usage: true } } : {}),
        }),
      });
      await res.text();
      if (!res.ok) errors.push(`HTTP ${res.status}`);
    };
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < n) await one(next++).catch((e: unknown) => errors.push(String(e)));
      }),
    );
    return errors;
  }, spec);
}

/** One slow streamed reply; returns when its first byte and its end arrived (epoch ms, page clock). */
function slowStream(page: Page, tag: string): Promise<{ firstByteAt: number; endAt: number }> {
  return page.evaluate(async (t) => {
    const res = await fetch('/v1/chat/completions?delayMs=50', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'demo-gpt-4o',
        messages: [{ role: 'user', content: t }],
        stream: true,
        stream_options: { include_usage: true },
      }),
    });
    const reader = res.body!.getReader();
    let firstByteAt = 0;
    for (;;) {
      const { done } = await reader.read();
      if (done) break;
      firstByteAt ||= Date.now();
    }
    return { firstByteAt, endAt: Date.now() };
  }, tag);
}

/** Every id the demo server logged is stored exactly once, with the logged counts; nothing else is stored. */
async function expectStoredExactlyAsLogged(demo: DemoServer, site: string, expected: number) {
  const logged = demo.log.filter((e) => !e.aborted);
  expect(logged).toHaveLength(expected);
  expect(new Set(logged.map((e) => e.id)).size).toBe(expected);
  const turns = await turnsOf(ext, site);
  expect(turns).toHaveLength(expected);
  expect(new Set(turns.map((t) => t.id)).size).toBe(expected);
  const byId = new Map(turns.map((t) => [t.id, t]));
  const missing = logged.filter((e) => !byId.has(`${site}|${e.format}:${e.id}`)).map((e) => e.id);
  expect(missing, 'logged ids that were never stored').toEqual([]);
  for (const e of logged) {
    const t = byId.get(`${site}|${e.format}:${e.id}`)!;
    expect([t.inputTokens, t.outputTokens, t.source]).toEqual([e.inputTokens, e.outputTokens, 'exact']);
  }
  expect(turns.flatMap(turnProblems)).toEqual([]);
  const daily = await dailyOf(ext, site);
  expect(sumTurns(daily)).toBe(expected);
  expect(daily.reduce((s, d) => s + d.inputTokens + d.outputTokens, 0)).toBe(
    turns.reduce((s, t) => s + t.inputTokens + t.outputTokens, 0),
  );
}

describe('reliability', () => {
  it('test 1: worker killed at 3 random points of a 200-event burst from 3 tabs and mid-SSE: exactly 200 rows', async () => {
    const { demo, site } = await newDemo();
    const tabs = await Promise.all([0, 1, 2].map(() => openTab(demo.chatUrl)));

    // Three random stop points (by how many responses the server has finished), at least 25 apart.
    const picks = new Set<number>();
    while (picks.size < 3) picks.add(20 + 25 * Math.floor(Math.random() * 6) + Math.floor(Math.random() * 20));
    const thresholds = [...picks].sort((x, y) => x - y);
    console.log(`test 1: stopping the worker after ${thresholds.join(', ')} of 199 burst responses`);

    let burstDone = false;
    const stoppedAt: number[] = [];
    const stopper = (async () => {
      for (const t of thresholds) {
        while (demo.log.length < t && !burstDone) await sleep(2);
        if (burstDone) return;
        if (await stopWorker(b)) stoppedAt.push(demo.log.length);
      }
    })();
    const sizes = [67, 66, 66];
    const errors = await Promise.all(
      tabs.map((tab, i) =>
        fire(tab, { n: sizes[i]!, tag: `burst tab${i}`, streamEvery: 5, concurrency: 2, query: '?delayMs=0' }),
      ),
    );
    burstDone = true;
    await stopper;
    expect(errors.flat()).toEqual([]);
    expect(stoppedAt, 'the worker was stopped three times during the burst').toHaveLength(3);
    expect(Math.max(...stoppedAt)).toBeLessThan(199);

    // Once more in the middle of a slow stream (about 5 s long).
    const slow = slowStream(tabs[0]!, 'one slow stream, please');
    await sleep(1500);
    const stopAt = Date.now();
    expect(await stopWorker(b)).toBe(true);
    const { firstByteAt, endAt } = await slow;
    expect(firstByteAt).toBeLessThan(stopAt);
    expect(endAt).toBeGreaterThan(stopAt);

    const settled = await waitFor(
      async () => (await turnsOf(ext, site)).length >= 200 && (await outboxFor(ext, site)).length === 0,
      60_000,
      300,
    );
    expect(settled, 'all 200 stored and the outbox empty within 60 s').toBe(true);
    await expectStoredExactlyAsLogged(demo, site, 200);
    await Promise.all(tabs.map((t) => t.close()));
  });

  it('test 2a: outbox entries left behind are drained when a stopped worker is woken', async () => {
    const site = 'http://127.0.0.1:9';
    const startedAt = Date.now();
    const entries = Object.fromEntries(
      Array.from({ length: 12 }, (_, i) => {
        const fact = {
          key: `openai-chat:chatcmpl-leftover-${i}`,
          format: 'openai-chat',
          transport: 'fetch',
          model: 'demo-gpt-4o',
          inputTokens: 10 + i,
          outputTokens: 100 + i,
          source: 'exact',
          status: 'complete',
          startedAt: startedAt + i,
          durationMs: 5,
          apiOrigin: site,
        };
        return [`outbox:${site}|${fact.key}`, { site, fact }];
      }),
    );
    await ext.evaluate((items) => chrome.storage.local.set(items), entries);
    expect(await outboxFor(ext, site)).toHaveLength(12);

    expect(await stopWorker(b)).toBe(true);
    await sleep(300);
    const wokenAt = Date.now();
    await sendFromExtensionPage(ext, { type: 'refresh-badge' });
    const drained = await waitFor(
      async () => (await turnsOf(ext, site)).length === 12 && (await outboxFor(ext, site)).length === 0,
      10_000,
    );
    expect(drained, 'drained by the new worker (not by the 1-minute alarm)').toBe(true);
    expect(Date.now() - wokenAt).toBeLessThan(10_000);
    const turns = await turnsOf(ext, site);
    expect(turns.map((t) => t.inputTokens).sort((x, y) => x - y)).toEqual(Array.from({ length: 12 }, (_, i) => 10 + i));
    expect(sumTurns(await dailyOf(ext, site))).toBe(12);
  });

  it('test 2b: worker stopped when events arrive, tab closed right after the responses: 0 lost', async () => {
    const { demo, site } = await newDemo();
    const tab = await openTab(demo.chatUrl);
    expect(await stopWorker(b)).toBe(true);
    const errors = await fire(tab, { n: 8, tag: 'closing tab', streamEvery: 2, concurrency: 8, query: '?delayMs=0' });
    await tab.close(); // possibly before the relay saw an ack
    expect(errors).toEqual([]);
    expect(demo.log).toHaveLength(8);

    // Whatever the relay could not finish is drained when the worker next starts (no waiting for the alarm).
    await sleep(500);
    await stopWorker(b);
    await sendFromExtensionPage(ext, { type: 'refresh-badge' });
    const settled = await waitFor(
      async () => (await turnsOf(ext, site)).length === 8 && (await outboxFor(ext, site)).length === 0,
      15_000,
    );
    expect(settled).toBe(true);
    await expectStoredExactlyAsLogged(demo, site, 8);
  });

  it('test 3: the same response id delivered 5 times is stored once', async () => {
    const { demo, site } = await newDemo();
    const tab = await openTab(demo.chatUrl);
    const replay = `chatcmpl-replayed-${Date.now().toString(36)}`;
    // Streamed and JSON, in parallel and in sequence: five sightings of one response.
    expect(
      await fire(tab, { n: 3, tag: 'same question', streamEvery: 2, concurrency: 3, query: '?delayMs=0', replay }),
    ).toEqual([]);
    expect(
      await fire(tab, { n: 2, tag: 'same question', streamEvery: 2, concurrency: 1, query: '?delayMs=0', replay }),
    ).toEqual([]);
    expect(demo.log.map((e) => e.id)).toEqual([replay, replay, replay, replay, replay]);
    await waitFor(async () => (await turnsOf(ext, site)).length > 0 && (await outboxFor(ext, site)).length === 0);
    await sleep(1000); // late duplicates would land here
    const turns = await turnsOf(ext, site);
    expect(turns.map((t) => t.id)).toEqual([`${site}|openai-chat:${replay}`]);
    expect([turns[0]!.inputTokens, turns[0]!.outputTokens]).toEqual([
      demo.log[0]!.inputTokens,
      demo.log[0]!.outputTokens,
    ]);
    expect(sumTurns(await dailyOf(ext, site))).toBe(1);
    await tab.close();
  });

  it('test 4: an event arriving while the worker is stopped wakes it and is stored within seconds', async () => {
    const { demo, site } = await newDemo();
    const tab = await openTab(demo.chatUrl);
    await markWorker(b);
    expect(await stopWorker(b)).toBe(true);
    const t0 = Date.now();
    expect(await fire(tab, { n: 1, tag: 'wake up', streamEvery: 0, concurrency: 1, query: '?delayMs=0' })).toEqual([]);
    const stored = await waitFor(async () => (await turnsOf(ext, site)).length === 1, 5_000, 100);
    expect(stored, 'stored within 5 s of the event').toBe(true);
    console.log(`test 4: stored ${Date.now() - t0} ms after the request`);
    expect(await workerMarked(b), 'a new worker instance handled it').toBe(false);
    await expectStoredExactlyAsLogged(demo, site, 1);
    await tab.close();
  });

  it('test 5: an extension page that also listens to onMessage (answering nothing) does not swallow events', async () => {
    const { demo, site } = await newDemo();
    const listener = await openExtensionPage(b, 'popup.html');
    await listener.evaluate(() => {
      const w = window as unknown as { seen: string[] };
      w.seen = [];
      chrome.runtime.onMessage.addListener((msg: { type?: string }) => {
        w.seen.push(String(msg?.type));
        // returns nothing: for a content script this resolves sendMessage with undefined
      });
    });
    // autotitle=0: no extra title-generation call, so the demo log holds just this chat.
    const tab = await openTab(`${demo.chatUrl}?format=openai-chat-sse&autotitle=0`);
    await markWorker(b);
    expect(await stopWorker(b)).toBe(true);
    const id = await sendChat(tab, 'Is anyone listening?');
    const key = `${site}|openai-chat:${id}`;
    const stored = await waitFor(async () => (await turnsOf(ext, site)).some((t) => t.id === key), 15_000);
    expect(stored).toBe(true);
    const seen = await listener.evaluate(() => (window as unknown as { seen: string[] }).seen);
    expect(seen, 'the extension page saw the delivery too').toContain('deliver');
    await waitFor(async () => (await outboxFor(ext, site)).length === 0);
    expect(await outboxFor(ext, site)).toEqual([]);
    await expectStoredExactlyAsLogged(demo, site, 1);
    await listener.close();
    await tab.close();
  });
});

describe('browser restart on the same profile', () => {
  // Runs last: restarts this file's browser on its own profile (one launch fewer than a separate profile).
  it('keeps the history and captures the first page after the restart', async () => {
    const { demo, site } = await newDemo();
    const tab = await b.ctx.newPage();
    await tab.goto(`${demo.chatUrl}?format=anthropic-sse&autotitle=0`);
    const before = await sendChat(tab, 'Before the restart');
    const first = `${site}|anthropic-messages:${before}`;
    expect(await waitFor(async () => (await turnsOf(ext, site)).some((t) => t.id === first))).toBe(true);
    const history = (await readTable<{ id: string }>(ext, 'turns')).map((t) => t.id).sort();
    expect(history.length).toBeGreaterThan(200);

    const { profile, extId } = b;
    await b.close(true);
    b = await launch({ profile });
    expect(b.extId, 'same build folder, same id').toBe(extId);
    const page = b.ctx.pages()[0] ?? (await b.ctx.newPage());
    await page.goto(`${demo.chatUrl}?format=openai-responses-sse&autotitle=0`);
    const after = await sendChat(page, 'After the restart');
    ext = await openExtensionPage(b, 'popup.html');
    const second = `${site}|openai-responses:${after}`;
    expect(await waitFor(async () => (await turnsOf(ext, site)).some((t) => t.id === second))).toBe(true);
    expect((await turnsOf(ext, site)).map((t) => t.id).sort()).toEqual([first, second].sort());
    const now = (await readTable<{ id: string }>(ext, 'turns')).map((t) => t.id);
    expect(now.filter((id) => !id.startsWith(`${site}|`)).sort(), 'earlier history intact').toEqual(
      history.filter((id) => !id.startsWith(`${site}|`)),
    );
  });
});

declare const chrome: {
  runtime: { onMessage: { addListener(fn: (msg: { type?: string }) => void): void } };
  storage: { local: { set(items: Record<string, unknown>): Promise<void> } };
};
