/**
 * Figure 1: wall time of the demo /bench page streaming a large reply (fetch + SSE, rendered as it
 * arrives) in Chromium with the extension vs a plain Chromium: interleaved pairs in ABBA order after a
 * warm-up, a settle after every run (pairs.ts).
 *
 * The timed span runs from just before `runBench()` (which starts the fetch) until two animation frames
 * after it resolved, i.e. until the whole reply is laid out and painted. The page's own clock
 * (`__benchResult.ms`) stops at the last append, before the final (multi-second) layout of the text and
 * before any work the extension still has queued on the main thread, so it is kept only as a cross-check.
 * The page's main-thread CPU time over the same span is recorded for every run (CDP Performance metrics):
 * its with/without ratio is much less sensitive to other processes on the machine than wall time.
 */
import type { Page } from 'playwright-core';
import { measurePairs, withCpu, type PairsResult, type Sample } from './pairs';
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

/** Loads /bench fresh (no old 5 MB DOM around) and lets the load settle. */
export async function loadBench(page: Page, url: string): Promise<void> {
  await page.goto(url, { waitUntil: 'load' });
  await sleep(150); // let the load settle (content scripts' handshake, first paint)
}

/**
 * Runs in the bench page (Chromium through Playwright, Firefox through puppeteer): runBench() called → two
 * animation frames after it resolved (the whole reply laid out and painted).
 */
export async function timeBenchInPage(): Promise<BenchRun> {
  const start = performance.now();
  const result = await (window as unknown as BenchWindow).runBench();
  await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
  return { ...result, renderedMs: performance.now() - start };
}

/** A run's result, or a clear error when the bench page streamed nothing. */
export function checkedRun(r: BenchRun | undefined): BenchRun {
  if (!r || r.bytes <= 0) throw new Error(`bench page returned ${JSON.stringify(r)}`);
  return r;
}

/** Streams once on a loaded /bench page. */
export async function streamOnce(page: Page): Promise<BenchRun> {
  return checkedRun(await page.evaluate(timeBenchInPage));
}

export type StreamSample = BenchRun & Sample;

export interface OverheadResult extends PairsResult<StreamSample> {
  /** Median with/without ratio on the page's own clock (stream done, before the final layout). */
  pageClockRatio: number;
  bytes: number;
}

export async function measurePageOverhead(
  ext: Page,
  plain: Page,
  url: string,
  pairs: number,
  settleMs: number,
  log: (s: string) => void,
): Promise<OverheadResult> {
  const r = await measurePairs<StreamSample>({
    ext,
    plain,
    pairs,
    settleMs,
    log,
    async run(page) {
      await loadBench(page, url);
      const { result, cpu } = await withCpu(page, () => streamOnce(page));
      // Tear the 5 MB document down now, not during the other browser's run (then the settle lets the
      // extension's worker store its fact before the other browser's turn).
      await page.goto('about:blank');
      return { ...result, wallMs: result.renderedMs, cpu };
    },
    describe: (a, b) =>
      `with ${a.renderedMs.toFixed(0)} ms (stream ${a.ms.toFixed(0)}, cpu ${a.cpu.threadMs.toFixed(0)}), ` +
      `without ${b.renderedMs.toFixed(0)} ms (stream ${b.ms.toFixed(0)}, cpu ${b.cpu.threadMs.toFixed(0)})`,
  });
  return {
    ...r,
    pageClockRatio: median(r.withExt.map((a, i) => a.ms / r.without[i]!.ms)),
    bytes: r.withExt[0]?.bytes ?? 0,
  };
}
