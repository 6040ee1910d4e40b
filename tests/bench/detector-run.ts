/**
 * Figure 1c's measuring loop: feeds bodies that match nothing through `createBodyParser(contentType)` exactly
 * as the page hook does (push per network chunk, then finish), and times each response. Runs unchanged in
 * Node (imported by tsx) and in Chromium (bundled by esbuild into an IIFE, see detector.ts): no Node APIs.
 */
import { createBodyParser } from '../../utils/parsers/index';
import type { CorpusItem } from './corpus';

export interface DetectorOptions {
  warmupMs: number;
  measureMs: number;
  /** Characters per push (a decoded network chunk). */
  chunk: number;
}

export interface DetectorSamples {
  /** µs per response, every timed response, in run order. */
  us: number[];
  /** Index into the corpus of each sample. */
  item: number[];
  passes: number;
  /** Bodies some format claimed (must stay 0: the corpus is meant to match nothing). */
  matched: string[];
  /** performance.now() granularity hint: true when the page is cross-origin isolated (5 µs), or in Node. */
  fineClock: boolean;
}

/** Splits every body into `chunk`-sized pieces once, outside the timed loop. */
function split(corpus: readonly CorpusItem[], chunk: number): string[][] {
  return corpus.map((c) => {
    const parts: string[] = [];
    for (let i = 0; i < c.body.length; i += chunk) parts.push(c.body.slice(i, i + chunk));
    return parts;
  });
}

export function runDetector(corpus: readonly CorpusItem[], opts: DetectorOptions): DetectorSamples {
  const parts = split(corpus, opts.chunk);
  const order = corpus.map((_, i) => i);
  const matched = new Set<string>();
  let seed = 12345;
  const shuffle = () => {
    for (let i = order.length - 1; i > 0; i--) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      const j = seed % (i + 1);
      const t = order[i]!;
      order[i] = order[j]!;
      order[j] = t;
    }
  };
  const one = (i: number): number => {
    const t0 = performance.now();
    const p = createBodyParser(corpus[i]!.contentType);
    if (p) {
      for (const s of parts[i]!) p.push(s);
      const turns = p.finish(false);
      if (turns.length > 0 || p.recognised) matched.add(`${corpus[i]!.kind} #${i}`);
    }
    return performance.now() - t0;
  };
  const end = performance.now() + opts.warmupMs;
  while (performance.now() < end) {
    shuffle();
    for (const i of order) one(i);
  }
  const us: number[] = [];
  const item: number[] = [];
  let passes = 0;
  const stop = performance.now() + opts.measureMs;
  while (performance.now() < stop || passes < 3) {
    shuffle();
    for (const i of order) {
      us.push(one(i) * 1000);
      item.push(i);
    }
    passes++;
  }
  const g = globalThis as { crossOriginIsolated?: boolean; document?: unknown };
  return { us, item, passes, matched: [...matched], fineClock: g.document === undefined || !!g.crossOriginIsolated };
}
