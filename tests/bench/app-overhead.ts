/**
 * Figure 1b: page overhead on an ordinary app page, where the detector sees mostly traffic it must ignore.
 * The page (app-page/, served by app-server.ts on 127.0.0.1, so the demo build's content scripts run on it)
 * loads 200 JSON replies of ~50 KB (records, search results, GraphQL; half GET, half POST; 8 in flight) and
 * meanwhile streams one 5 MB model reply (the demo API's /v1/chat/completions, cross-origin with CORS),
 * rendering both as they arrive. Timed: runAppBench() called → two animation frames after the last JSON
 * card and the last reply text were rendered. With vs without the extension, ABBA pairs (pairs.ts).
 */
import type { Page } from 'playwright-core';
import { measurePairs, withCpu, type PairsResult, type Sample } from './pairs';
import { median, sleep } from './stats';

export interface AppRun {
  /** runAppBench() called → everything rendered (two frames after). */
  ms: number;
  jsonDoneMs: number;
  streamDoneMs: number;
  requests: number;
  jsonBytes: number;
  rows: number;
  streamBytes: number;
  events: number;
}

export type AppSample = AppRun & Sample;

type AppWindow = Window & { runAppBench(): Promise<AppRun> };

export interface AppPageOptions {
  requests: number;
  concurrency: number;
  streamBytes: number;
}

export function appPageUrl(appOrigin: string, apiOrigin: string, o: AppPageOptions): string {
  const q = new URLSearchParams({
    api: apiOrigin,
    n: String(o.requests),
    c: String(o.concurrency),
    bytes: String(o.streamBytes),
  });
  return `${appOrigin}/app?${q}`;
}

export interface AppOverheadResult extends PairsResult<AppSample> {
  /** Median with/without ratio of the time the last JSON card was rendered. */
  jsonDoneRatio: number;
  streamDoneRatio: number;
}

export async function measureAppOverhead(
  ext: Page,
  plain: Page,
  url: string,
  expected: AppPageOptions,
  pairs: number,
  settleMs: number,
  log: (s: string) => void,
): Promise<AppOverheadResult> {
  const r = await measurePairs<AppSample>({
    ext,
    plain,
    pairs,
    settleMs,
    log,
    async run(page) {
      await page.goto(url, { waitUntil: 'load' });
      await sleep(150);
      const { result, cpu } = await withCpu(page, () =>
        page.evaluate(() => (window as unknown as AppWindow).runAppBench()),
      );
      if (result.requests !== expected.requests || result.streamBytes < expected.streamBytes * 0.9) {
        throw new Error(`the app page returned ${JSON.stringify(result)}`);
      }
      await page.goto('about:blank');
      return { ...result, wallMs: result.ms, cpu };
    },
    describe: (a, b) =>
      `with ${a.ms.toFixed(0)} ms (json ${a.jsonDoneMs.toFixed(0)}, cpu ${a.cpu.threadMs.toFixed(0)}), ` +
      `without ${b.ms.toFixed(0)} ms (json ${b.jsonDoneMs.toFixed(0)}, cpu ${b.cpu.threadMs.toFixed(0)})`,
  });
  return {
    ...r,
    jsonDoneRatio: median(r.withExt.map((a, i) => a.jsonDoneMs / r.without[i]!.jsonDoneMs)),
    streamDoneRatio: median(r.withExt.map((a, i) => a.streamDoneMs / r.without[i]!.streamDoneMs)),
  };
}
