/**
 * Figures 3 and 4: the service worker's path from outbox to stored row.
 *  3. cold start → fact stored: stop the worker (CDP Target.closeTarget), put one valid outbox entry in
 *     storage.local from an extension page, then time `runtime.sendMessage({type:'drain-outbox'})` there.
 *     The message wakes the worker, which replies after its transaction commits (it also drains on start,
 *     so the reply may say 0 or 1); the row is checked afterwards.
 *  4. ingest of many facts: write N outbox entries, then time one drain with the worker already running.
 */
import type { Page } from 'playwright-core';
import { stopWorker, type ExtBrowser } from '../e2e/harness';
import { workerRunning } from './browsers';
import { median, sleep } from './stats';

/** Just enough of `chrome` for the code evaluated in extension pages. */
declare const chrome: {
  runtime: { sendMessage(msg: unknown): Promise<unknown> };
  storage: {
    local: { set(items: Record<string, unknown>): Promise<void>; get(k: null): Promise<Record<string, unknown>> };
  };
};

export const INGEST_SITE = 'http://127.0.0.1:5566';
const DAY_MS = 86_400_000;

/** A valid SiteFact (utils/messages.ts) for the outbox: key `openai-chat:<id>`. */
function fact(site: string, id: string, startedAt: number, i: number) {
  return {
    site,
    fact: {
      key: `openai-chat:${id}`,
      format: 'openai-chat',
      transport: 'fetch',
      model: 'demo-gpt-4o',
      inputTokens: 100 + (i % 400),
      outputTokens: 300 + ((i * 7) % 900),
      source: 'exact',
      status: 'complete',
      startedAt,
      durationMs: 1200,
      firstByteMs: 300,
      apiOrigin: site,
    },
  };
}

/** Counts stored turns whose id starts with `prefix` (a range of the bundles' `ids` index, no full scan). */
export function countTurns(page: Page, prefix: string): Promise<number> {
  return page.evaluate(
    (p) =>
      new Promise<number>((resolve, reject) => {
        const open = indexedDB.open('tokenwise');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const req = db
            .transaction('turnBundles')
            .objectStore('turnBundles')
            .index('ids')
            .count(IDBKeyRange.bound(p, `${p}\uffff`));
          req.onsuccess = () => {
            db.close();
            resolve(req.result);
          };
          req.onerror = () => reject(req.error);
        };
      }),
    prefix,
  );
}

async function waitWorkerStopped(b: ExtBrowser, page: Page): Promise<void> {
  if (!(await stopWorker(b))) throw new Error('no service worker target to stop');
  const end = Date.now() + 5000;
  while (await workerRunning(b, page)) {
    if (Date.now() > end) throw new Error('the service worker did not stop');
    await sleep(50);
  }
}

export interface ColdStartResult {
  samples: number[];
  replies: unknown[];
  medianMs: number;
}

export async function measureColdStart(
  b: ExtBrowser,
  page: Page,
  runs: number,
  log: (s: string) => void,
): Promise<ColdStartResult> {
  const samples: number[] = [];
  const replies: unknown[] = [];
  for (let i = 0; i <= runs; i++) {
    const warmUp = i === 0;
    await waitWorkerStopped(b, page);
    await sleep(300); // let the process settle after the worker went away
    const id = `bench-cold-${Date.now().toString(36)}-${i}`;
    const entry = fact(INGEST_SITE, id, Date.now(), i);
    const { ms, reply } = await page.evaluate(async (e) => {
      await chrome.storage.local.set({ [`outbox:${e.site}|${e.fact.key}`]: e });
      const t0 = performance.now();
      const reply = await chrome.runtime.sendMessage({ type: 'drain-outbox' });
      return { ms: performance.now() - t0, reply };
    }, entry);
    const ok = (reply as { ok?: unknown } | undefined)?.ok === true;
    const stored = await countTurns(page, `${INGEST_SITE}|openai-chat:${id}`);
    if (!ok || stored !== 1) throw new Error(`cold start ${i}: reply ${JSON.stringify(reply)}, rows stored ${stored}`);
    log(`  cold start ${warmUp ? 'warm-up' : `${i}/${runs}`}: ${ms.toFixed(0)} ms, reply ${JSON.stringify(reply)}`);
    if (warmUp) continue;
    samples.push(ms);
    replies.push(reply);
  }
  return { samples, replies, medianMs: median(samples) };
}

export interface IngestResult {
  facts: number;
  ms: number;
  rowsPerSecond: number;
  reply: unknown;
  stored: number;
  outboxLeft: number;
}

export async function measureIngest(page: Page, n: number, log: (s: string) => void): Promise<IngestResult> {
  const prefix = `bench-ingest-${Date.now().toString(36)}-`;
  // Wake the worker and let it settle (nothing to drain yet).
  await page.evaluate(() => chrome.runtime.sendMessage({ type: 'drain-outbox' }));
  await sleep(300);
  // The facts are built in the page: spread over 100 days ending now, distinct keys.
  await page.evaluate(
    async ({ n, site, prefix, dayMs, base }) => {
      const items: Record<string, unknown> = {};
      const now = Date.now();
      for (let i = 0; i < n; i++) {
        const f = structuredClone(base) as { site: string; fact: Record<string, unknown> };
        f.fact.key = `openai-chat:${prefix}${i}`;
        f.fact.startedAt = now - (i % 100) * dayMs - (i % 97) * 60_000;
        f.fact.inputTokens = 100 + (i % 400);
        f.fact.outputTokens = 300 + ((i * 7) % 900);
        items[`outbox:${site}|${f.fact.key as string}`] = f;
      }
      await chrome.storage.local.set(items);
    },
    { n, site: INGEST_SITE, prefix, dayMs: DAY_MS, base: fact(INGEST_SITE, 'x', Date.now(), 0) },
  );
  const { ms, reply } = await page.evaluate(async () => {
    const t0 = performance.now();
    const reply = await chrome.runtime.sendMessage({ type: 'drain-outbox' });
    return { ms: performance.now() - t0, reply };
  });
  const stored = await countTurns(page, `${INGEST_SITE}|openai-chat:${prefix}`);
  const outboxLeft = await page.evaluate(
    async () => Object.keys(await chrome.storage.local.get(null)).filter((k) => k.startsWith('outbox:')).length,
  );
  log(`  ingest: ${n} facts drained in ${ms.toFixed(0)} ms, reply ${JSON.stringify(reply)}, rows ${stored}`);
  if (stored !== n) throw new Error(`${stored} of ${n} rows stored (reply ${JSON.stringify(reply)})`);
  if ((reply as { stored?: unknown }).stored !== n) {
    throw new Error(`the timed drain stored ${JSON.stringify(reply)}, not all ${n}: another drain ran (alarm?)`);
  }
  return { facts: n, ms, rowsPerSecond: (n / ms) * 1000, reply, stored, outboxLeft };
}
