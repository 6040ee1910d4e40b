/**
 * With/without-the-extension comparisons (figures 1 and 1b): interleaved pairs in ABBA order, a settle
 * between runs, and for every run both the wall time the user feels and the page's own CPU time.
 *
 * CPU time comes from CDP `Performance.getMetrics` with `timeDomain: 'threadTicks'`, read just before and
 * just after the timed span: `ThreadTime` is the CPU time of the page's renderer main thread (where the
 * page hook, the relay and all the page's own script, style, layout and paint work run), `ProcessTime` that
 * of the whole renderer process (also the off-main-thread work: compositing, raster, network plumbing).
 * CPU time does not grow when another process takes the core away, so on a shared machine it is less
 * noisy than wall time; it is reported beside the budgeted wall-time figure, never instead of it.
 * Main-thread CPU outside layout and style (TaskDuration − LayoutDuration − RecalcStyleDuration) is reported
 * too: on pages that render a growing 5 MB text, layout is most of the CPU and its amount follows the number
 * of frames drawn while streaming (timing-dependent), whereas the extension's own work (reading its copy of
 * each body, detecting, parsing) lands outside layout.
 */
import { readFileSync } from 'node:fs';
import type { CDPSession, Page } from 'playwright-core';
import { median, medianCI, sleep, trimmedMean } from './stats';

export interface CpuDelta {
  /** Renderer main thread CPU ms. */
  threadMs: number;
  /** Main-thread task time (thread clock), ms. */
  taskMs: number;
  scriptMs: number;
  layoutMs: number;
  styleMs: number;
  /** Whole renderer process CPU ms (10 ms granularity). */
  processMs: number;
}

type Metrics = Record<string, number>;

async function readMetrics(cdp: CDPSession): Promise<Metrics> {
  const { metrics } = (await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] };
  return Object.fromEntries(metrics.map((m) => [m.name, m.value]));
}

/** Runs `fn` and returns its result with the page's CPU time spent meanwhile. */
export async function withCpu<T>(page: Page, fn: () => Promise<T>): Promise<{ result: T; cpu: CpuDelta }> {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
    const a = await readMetrics(cdp);
    const result = await fn();
    const b = await readMetrics(cdp);
    const d = (k: string) => ((b[k] ?? 0) - (a[k] ?? 0)) * 1000;
    return {
      result,
      cpu: {
        threadMs: d('ThreadTime'),
        taskMs: d('TaskDuration'),
        scriptMs: d('ScriptDuration'),
        layoutMs: d('LayoutDuration'),
        styleMs: d('RecalcStyleDuration'),
        processMs: d('ProcessTime'),
      },
    };
  } finally {
    await cdp.send('Performance.disable').catch(() => {});
    await cdp.detach().catch(() => {});
  }
}

/** Share of the last interval that all CPUs were busy (Linux /proc/stat); undefined elsewhere. */
export function cpuBusyMeter(): () => number | undefined {
  const read = (): [number, number] | undefined => {
    try {
      const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
      const idle = f[3]! + (f[4] ?? 0);
      return [idle, f.reduce((x, y) => x + y, 0)];
    } catch {
      return undefined;
    }
  };
  let last = read();
  return () => {
    const now = read();
    if (!now || !last) return undefined;
    const busy = 1 - (now[0] - last[0]) / Math.max(1, now[1] - last[1]);
    last = now;
    return busy;
  };
}

export interface Sample {
  /** The budgeted quantity: wall ms of the timed span. */
  wallMs: number;
  cpu: CpuDelta;
  /** Machine-wide CPU busy share during the run (0–1), for the record. */
  machineBusy?: number;
}

export interface PairsResult<S extends Sample> {
  withExt: S[];
  without: S[];
  /** with/without wall time, per pair. */
  pairRatios: number[];
  /** with/without main-thread CPU time, per pair. */
  cpuRatios: number[];
  processRatios: number[];
  /** Median of the per-pair wall ratios (the budgeted figure). */
  ratio: number;
  /** 20 %-trimmed mean of the per-pair wall ratios. */
  trimmedRatio: number;
  /** Distribution-free 95 % interval of the median pair ratio. */
  ci: [number, number];
  /** Median of the per-pair main-thread CPU ratios. */
  cpuRatio: number;
  cpuCi: [number, number];
  processRatio: number;
  /** Median of the per-pair ratios of main-thread CPU outside layout and style (script, parsing, paint, IPC). */
  outsideLayoutRatio: number;
  outsideLayoutWith: number;
  outsideLayoutWithout: number;
  medianWith: number;
  medianWithout: number;
  cpuWith: number;
  cpuWithout: number;
}

/** `P`: a Playwright page (Chromium) or a puppeteer-core page (Firefox); only `run` touches it. */
export interface PairsOptions<S extends Sample, P = Page> {
  ext: P;
  plain: P;
  pairs: number;
  /** One timed run in `page`; it leaves the page as it found it (or on about:blank). */
  run: (page: P) => Promise<S>;
  /** Untimed pause after each run (the other browser's worker stores its fact, GC, …). */
  settleMs: number;
  log: (s: string) => void;
  /** One log line for a finished pair. */
  describe?: (a: S, b: S) => string;
}

/** Main-thread task CPU time outside layout and style recalculation, ms. */
export const outsideLayout = (s: Sample): number => s.cpu.taskMs - s.cpu.layoutMs - s.cpu.styleMs;

/** Warm-up (one run each), then `pairs` pairs in ABBA order: ext first in even pairs, plain first in odd. */
export async function measurePairs<S extends Sample, P = Page>(o: PairsOptions<S, P>): Promise<PairsResult<S>> {
  const busy = cpuBusyMeter();
  const run = async (page: P) => {
    busy();
    const s = await o.run(page);
    s.machineBusy = busy();
    await sleep(o.settleMs);
    return s;
  };
  await run(o.ext);
  await run(o.plain);
  const withExt: S[] = [];
  const without: S[] = [];
  for (let i = 0; i < o.pairs; i++) {
    if (i % 2 === 0) {
      withExt.push(await run(o.ext));
      without.push(await run(o.plain));
    } else {
      without.push(await run(o.plain));
      withExt.push(await run(o.ext));
    }
    const a = withExt[i]!;
    const b = without[i]!;
    const text =
      o.describe?.(a, b) ??
      `with ${a.wallMs.toFixed(0)} ms (cpu ${a.cpu.threadMs.toFixed(0)}), ` +
        `without ${b.wallMs.toFixed(0)} ms (cpu ${b.cpu.threadMs.toFixed(0)})`;
    o.log(`  pair ${i + 1}/${o.pairs} (${i % 2 === 0 ? 'with first' : 'without first'}): ${text}`);
  }
  const pairRatios = withExt.map((a, i) => a.wallMs / without[i]!.wallMs);
  const cpuRatios = withExt.map((a, i) => a.cpu.threadMs / without[i]!.cpu.threadMs);
  const processRatios = withExt.map((a, i) => a.cpu.processMs / without[i]!.cpu.processMs);
  return {
    withExt,
    without,
    pairRatios,
    cpuRatios,
    processRatios,
    ratio: median(pairRatios),
    trimmedRatio: trimmedMean(pairRatios, 0.2),
    ci: medianCI(pairRatios),
    cpuRatio: median(cpuRatios),
    cpuCi: medianCI(cpuRatios),
    processRatio: median(processRatios),
    outsideLayoutRatio: median(withExt.map((a, i) => outsideLayout(a) / outsideLayout(without[i]!))),
    outsideLayoutWith: median(withExt.map(outsideLayout)),
    outsideLayoutWithout: median(without.map(outsideLayout)),
    medianWith: median(withExt.map((s) => s.wallMs)),
    medianWithout: median(without.map((s) => s.wallMs)),
    cpuWith: median(withExt.map((s) => s.cpu.threadMs)),
    cpuWithout: median(without.map((s) => s.cpu.threadMs)),
  };
}
