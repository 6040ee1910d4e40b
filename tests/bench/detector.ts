/**
 * Figure 1c: what the detector costs for a response that matches nothing, the common case on any tracked
 * site (app data, config, search results, text, logs). The corpus (corpus.ts) goes through
 * `createBodyParser` → push per 16 KB chunk → finish (detector-run.ts), many passes after a warm-up, each
 * response timed on its own.
 *  - in Node (V8, same engine as Chromium), imported directly;
 *  - in Chromium, the same loop bundled with esbuild and run in a cross-origin-isolated page (5 µs clock)
 *    of a plain browser. Optional: when esbuild cannot be loaded the row says so.
 * Each body's cost is the median of its timings over all passes (robust to the preemption spikes of a busy
 * machine, and to the odd garbage collection). Reported: µs per response as the median and 95th percentile
 * over the corpus bodies; µs per KB of body as the median over the passes of (pass time / corpus KB), where
 * garbage collection is amortised. The raw figures over every timed response are kept in the JSON.
 */
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { detectorCorpus, type CorpusItem } from './corpus';
import { runDetector, type DetectorOptions, type DetectorSamples } from './detector-run';
import { median, quantile, round, sum } from './stats';

export interface DetectorSummary {
  where: 'node' | 'chromium';
  responses: number;
  passes: number;
  /** Median over the corpus bodies of each body's own median µs (robust to preemption on a busy machine). */
  medianUs: number;
  /** 95th percentile over the corpus bodies of each body's median µs. */
  p95Us: number;
  /** Median over the passes of (pass µs / corpus KB): garbage collection amortised, preemption mostly not. */
  usPerKB: number;
  /** The same over every timed response, raw (preemption spikes included). */
  raw: { medianUs: number; p95Us: number; meanUs: number; usPerKB: number };
  corpus: { items: number; totalKB: number; kinds: number };
  byKind: Record<string, { items: number; medianUs: number; maxUs: number; usPerKB: number }>;
  fineClock: boolean;
}

const KB = 1024;
const utf8 = (s: string) => Buffer.byteLength(s, 'utf8');

export function summarise(where: DetectorSummary['where'], corpus: CorpusItem[], s: DetectorSamples): DetectorSummary {
  if (s.matched.length > 0) {
    throw new Error(`the "matches nothing" corpus was claimed by a format: ${s.matched.slice(0, 4).join(', ')}`);
  }
  const sizes = corpus.map((c) => utf8(c.body) / KB);
  const perItem: number[][] = corpus.map(() => []);
  s.us.forEach((x, j) => perItem[s.item[j]!]!.push(x));
  const itemMedian = perItem.map((xs) => median(xs));
  const kinds = new Map<string, number[]>();
  corpus.forEach((c, i) => kinds.set(c.kind, [...(kinds.get(c.kind) ?? []), i]));
  const n = corpus.length;
  /** Median over the passes of (µs spent on the bodies in `set`) / (their KB). */
  const perKB = (set: Set<number>): number => {
    const kb = sum([...set].map((i) => sizes[i]!));
    const passes = Array.from({ length: s.passes }, (_, p) => {
      let t = 0;
      for (let j = p * n; j < (p + 1) * n; j++) if (set.has(s.item[j]!)) t += s.us[j]!;
      return t / kb;
    });
    return median(passes);
  };
  const byKind: DetectorSummary['byKind'] = {};
  for (const [kind, idx] of kinds) {
    const m = idx.map((i) => itemMedian[i]!);
    byKind[kind] = {
      items: idx.length,
      medianUs: round(median(m), 1),
      maxUs: round(Math.max(...m), 1),
      usPerKB: round(perKB(new Set(idx)), 2),
    };
  }
  const rawKB = sum(s.item.map((i) => sizes[i]!));
  return {
    where,
    responses: s.us.length,
    passes: s.passes,
    medianUs: median(itemMedian),
    p95Us: quantile(itemMedian, 0.95),
    usPerKB: perKB(new Set(corpus.map((_, i) => i))),
    raw: {
      medianUs: round(median(s.us), 1),
      p95Us: round(quantile(s.us, 0.95), 1),
      meanUs: round(sum(s.us) / s.us.length, 1),
      usPerKB: round(sum(s.us) / rawKB, 2),
    },
    corpus: { items: corpus.length, totalKB: round(sum(sizes), 1), kinds: kinds.size },
    byKind,
    fineClock: s.fineClock,
  };
}

export const DETECTOR_OPTS: DetectorOptions = { warmupMs: 1000, measureMs: 3500, chunk: 16 * KB };

export function measureDetectorNode(opts: DetectorOptions = DETECTOR_OPTS): DetectorSummary {
  const corpus = detectorCorpus();
  return summarise('node', corpus, runDetector(corpus, opts));
}

/** The measuring loop as a browser script defining `window.__tokenwiseDetector`. */
async function bundleForBrowser(): Promise<string> {
  const esbuild = await import('esbuild');
  const r = await esbuild.build({
    stdin: {
      contents: "import { runDetector } from './detector-run';\n(globalThis as any).__tokenwiseDetector = runDetector;",
      resolveDir: resolve('tests/bench'),
      loader: 'ts',
    },
    bundle: true,
    format: 'iife',
    target: 'es2022',
    minify: true,
    write: false,
    tsconfig: resolve('tsconfig.json'),
    logLevel: 'silent',
  });
  return r.outputFiles[0]!.text;
}

/** Same loop in a page of `page`'s browser; `url` must be a cross-origin-isolated page (fine clock). */
export async function measureDetectorChromium(
  page: Page,
  url: string,
  opts: DetectorOptions = DETECTOR_OPTS,
): Promise<DetectorSummary> {
  const script = await bundleForBrowser();
  const corpus = detectorCorpus();
  await page.goto(url, { waitUntil: 'load' });
  await page.addScriptTag({ content: script });
  const samples = await page.evaluate(
    ({ corpus, opts }) =>
      (
        window as unknown as { __tokenwiseDetector: (c: CorpusItem[], o: DetectorOptions) => DetectorSamples }
      ).__tokenwiseDetector(corpus, opts),
    { corpus, opts },
  );
  await page.goto('about:blank');
  return summarise('chromium', corpus, samples);
}
