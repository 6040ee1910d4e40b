/**
 * Figure 1: wall time of the demo /bench page streaming a large reply (fetch + SSE, rendered as it
 * arrives) in Chromium with the extension vs a plain Chromium, interleaved A/B with the order swapped
 * every pair, after a warm-up.
 *
 * The timed span runs from just before `runBench()` (which starts the fetch) until two animation frames
 * after it resolved, i.e. until the whole reply is laid out and painted. The page's own clock
 * (`__benchResult.ms`) stops at the last append, before the final (multi-second) layout of the text and
 * before any work the extension still has queued on the main thread, so it is kept only as a cross-check.
 */
import type { Page } from 'playwright-core';
import { median, sleep } from './stats';

export interface BenchResult {
  /** The page's own figure: fetch start → last chunk appended. */
  ms: number;
  bytes: number;
  chunks: number;
  events: number;
}

export interface BenchRun extends BenchResult {
  /** runBench() called → two frames after it resolved (everything rendered). */
  renderedMs: number;
}

/** The bench page's API (tests/demo/public/bench.js). */
export type BenchWindow = Window & { runBench(opts?: { bytes?: number }): Promise<BenchResult> };

/** Loads /bench fresh (no old 5 MB DOM around) and streams once. */
export async function benchOnce(page: Page, url: string): Promise<BenchRun> {
  await page.goto(url, { waitUntil: 'load' });
  await sleep(150); // let the load settle (content scripts' handshake, first paint)
  const r = await page.evaluate(async () => {
    const start = performance.now();
    const result = await (window as unknown as BenchWindow).runBench();
    await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
    return { ...result, renderedMs: performance.now() - start };
  });
  if (!r || r.bytes <= 0) throw new Error(`bench page returned ${JSON.stringify(r)}`);
  return r;
}

export interface OverheadResult {
  withExt: BenchRun[];
  without: BenchRun[];
  /** with/without rendered time for each adjacent pair. */
  pairRatios: number[];
  medianWith: number;
  medianWithout: number;
  /** Median of the per-pair ratios (the budgeted figure). */
  ratio: number;
  /** Same, on the page's own clock (stream done, before the final layout). */
  pageClockRatio: number;
  bytes: number;
}

export async function measurePageOverhead(
  ext: Page,
  plain: Page,
  url: string,
  runs: number,
  log: (s: string) => void,
): Promise<OverheadResult> {
  const run = async (page: Page) => {
    const r = await benchOnce(page, url);
    // Tear the 5 MB document down now, not during the other browser's run, and let the extension's
    // worker store its fact before the other browser's turn.
    await page.goto('about:blank');
    await sleep(300);
    return r;
  };
  // Warm-up: disk cache, code caches, the demo server's JIT, the extension worker's first ingest.
  await run(ext);
  await run(plain);
  const withExt: BenchRun[] = [];
  const without: BenchRun[] = [];
  for (let i = 0; i < runs; i++) {
    if (i % 2 === 0) {
      withExt.push(await run(ext));
      without.push(await run(plain));
    } else {
      without.push(await run(plain));
      withExt.push(await run(ext));
    }
    const a = withExt[i]!;
    const b = without[i]!;
    log(
      `  pair ${i + 1}/${runs}: with ${a.renderedMs.toFixed(0)} ms (stream ${a.ms.toFixed(0)}), ` +
        `without ${b.renderedMs.toFixed(0)} ms (stream ${b.ms.toFixed(0)})`,
    );
  }
  const pairRatios = withExt.map((a, i) => a.renderedMs / without[i]!.renderedMs);
  return {
    withExt,
    without,
    pairRatios,
    medianWith: median(withExt.map((r) => r.renderedMs)),
    medianWithout: median(without.map((r) => r.renderedMs)),
    ratio: median(pairRatios),
    pageClockRatio: median(withExt.map((a, i) => a.ms / without[i]!.ms)),
    bytes: withExt[0]?.bytes ?? 0,
  };
}
