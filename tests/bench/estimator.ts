/**
 * Figures 11 and 12: the page's token estimator against the real o200k tokenizer, and the cost of that tokenizer.
 * 11. Each category of tests/bench/text-corpus (prose, code, JSON, CJK, emoji, mixed European) is split into
 *     samples of 200–2000 characters; per sample |estimateTokens − o200k| / o200k, averaged per category. The
 *     reference is gpt-tokenizer's o200k_base with special-token strings counted as plain text (as the worker does).
 *     Throughput: estimateTokens over every sample, UTF-8 MB per second (median of timed passes), on the estimator
 *     bundled as the extension builds it (shippedEstimateTokens).
 * 12. The worker's load path (entrypoints/background/tokenize.ts) replayed in Node on the packaged rank table:
 *     read + JSON.parse of o200k_base.json, GptEncoding.getEncodingApi + one warm-up count; the heap it keeps;
 *     tokens/s after load; the size the table adds to the package. In Chromium, the same fetch + parse of the
 *     table inside the extension's service worker (Playwright's Worker.evaluate).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext, runInThisContext } from 'node:vm';
import { gzipSync } from 'node:zlib';
import { buildSync } from 'esbuild';
import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { GptEncoding } from 'gpt-tokenizer/esm/GptEncoding';
import type { Worker } from 'playwright-core';
import { estimateTokens } from '../../utils/parsers/estimate';
import { median } from './stats';

export const CORPUS_DIR = resolve('tests/bench/text-corpus');
/** The categories (folders of the corpus), in table order, with their labels. */
export const CATEGORIES = [
  ['prose', 'English prose'],
  ['code', 'code'],
  ['json', 'JSON'],
  ['cjk', 'CJK (zh, ja, ko)'],
  ['emoji', 'emoji-heavy chat'],
  ['european', 'mixed European'],
] as const;
export type Category = (typeof CATEGORIES)[number][0];

const MIN_CHARS = 200;
const MAX_CHARS = 2000;
/** Special-token strings ("<|endoftext|>") are plain text, as in the worker. */
const PLAIN = { allowedSpecial: new Set<string>(), disallowedSpecial: new Set<string>() };

/**
 * Splits a text into samples of MIN_CHARS–MAX_CHARS: paragraphs (blank-line separated) are joined until a sample
 * reaches MIN_CHARS; a longer run is cut at line ends, then anywhere. A short remainder joins the last sample.
 */
export function splitSamples(text: string): string[] {
  const units: string[] = [];
  for (const para of text.split(/\n[ \t]*\n/)) {
    if (para.length <= MAX_CHARS) {
      units.push(para);
      continue;
    }
    let cur = '';
    for (const line of para.split('\n')) {
      if (cur && cur.length + line.length + 1 > MAX_CHARS) {
        units.push(cur);
        cur = '';
      }
      cur = cur ? `${cur}\n${line}` : line;
      while (cur.length > MAX_CHARS) {
        units.push(cur.slice(0, MAX_CHARS));
        cur = cur.slice(MAX_CHARS);
      }
    }
    if (cur) units.push(cur);
  }
  const out: string[] = [];
  let cur = '';
  for (const u of units) {
    if (!u.trim()) continue;
    if (cur && cur.length + u.length + 2 > MAX_CHARS) {
      out.push(cur);
      cur = '';
    }
    cur = cur ? `${cur}\n\n${u}` : u;
    if (cur.length >= MIN_CHARS) {
      out.push(cur);
      cur = '';
    }
  }
  if (cur) {
    const last = out.at(-1);
    if (last !== undefined && last.length + cur.length + 2 <= MAX_CHARS) out[out.length - 1] = `${last}\n\n${cur}`;
    else out.push(cur);
  }
  return out;
}

/** The samples of each category, from the corpus folders. */
export function loadCorpus(dir = CORPUS_DIR): Map<Category, string[]> {
  const m = new Map<Category, string[]>();
  for (const [cat] of CATEGORIES) {
    const folder = join(dir, cat);
    const files = readdirSync(folder)
      .filter((f) => f.endsWith('.txt'))
      .sort();
    if (files.length === 0) throw new Error(`no .txt files in ${folder}`);
    m.set(
      cat,
      files.flatMap((f) => splitSamples(readFileSync(join(folder, f), 'utf8'))),
    );
  }
  return m;
}

export interface CategoryError {
  category: Category | 'european-heldout';
  label: string;
  samples: number;
  chars: number;
  /** o200k tokens and estimated tokens over all samples. */
  tokens: number;
  estimated: number;
  /** Mean of |estimate − o200k| / o200k over the samples (0.05 = 5 %). */
  meanAbsError: number;
  /** Mean of (estimate − o200k) / o200k: > 0 when the estimator over-counts. */
  meanSignedError: number;
  maxAbsError: number;
  /** Per sample: chars, o200k, estimate. */
  perSample: { chars: number; o200k: number; estimate: number }[];
}

export interface EstimatorResult {
  categories: CategoryError[];
  /** UTF-8 bytes and characters of all samples. */
  bytes: number;
  chars: number;
  passes: number;
  passMs: number[];
  mbPerSecond: number;
  /** The same per second of this process's CPU time (less affected by a busy machine). */
  cpuMbPerSecond: number;
}

const TARGET_MS = 1500;

/** The error of the estimator over one set of samples. */
function errorOver(category: CategoryError['category'], label: string, samples: string[]): CategoryError {
  const perSample = samples.map((s) => ({
    chars: s.length,
    o200k: countTokens(s, PLAIN),
    estimate: estimateTokens(s),
  }));
  const rel = perSample.map((x) => (x.estimate - x.o200k) / x.o200k);
  return {
    category,
    label,
    samples: samples.length,
    chars: perSample.reduce((a, x) => a + x.chars, 0),
    tokens: perSample.reduce((a, x) => a + x.o200k, 0),
    estimated: perSample.reduce((a, x) => a + x.estimate, 0),
    meanAbsError: rel.reduce((a, r) => a + Math.abs(r), 0) / rel.length,
    meanSignedError: rel.reduce((a, r) => a + r, 0) / rel.length,
    maxAbsError: Math.max(...rel.map(Math.abs)),
    perSample,
  };
}

/**
 * The European paragraphs written after the estimator was tuned (text-corpus/european-heldout): how well the
 * tuning carries over to text it never saw. Reported beside the graded rows, without a budget of its own.
 */
export function measureHeldOut(dir = join(CORPUS_DIR, 'european-heldout')): CategoryError {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.txt'))
    .sort();
  if (files.length === 0) throw new Error(`no .txt files in ${dir}`);
  const samples = files.flatMap((f) => splitSamples(readFileSync(join(dir, f), 'utf8')));
  return errorOver('european-heldout', 'mixed European, held out', samples);
}

/**
 * utils/parsers/estimate.ts bundled the way the extension's build does (no names kept), for timing. This bench runs
 * under tsx, which compiles with esbuild's keepNames: every closure is wrapped in a call that names it, and the
 * estimator's closures then cost ~1.2 µs per call instead of the built page hook's ~0.06 µs, a cost the extension
 * never pays (10–15 % of this figure, on the corpus's short samples).
 */
function shippedEstimateTokens(): (text: string) => number {
  const { outputFiles } = buildSync({
    entryPoints: [resolve('utils/parsers/estimate.ts')],
    bundle: true,
    format: 'iife',
    globalName: 'shippedEstimate',
    target: 'es2022',
    minify: true,
    write: false,
  });
  const mod = runInThisContext(`${outputFiles[0]!.text};shippedEstimate`) as { estimateTokens(text: string): number };
  return mod.estimateTokens;
}

export function measureEstimator(corpus = loadCorpus()): EstimatorResult {
  const categories: CategoryError[] = [];
  for (const [cat, label] of CATEGORIES) categories.push(errorOver(cat, label, corpus.get(cat) ?? []));

  // Throughput: every sample once per pass, as the page would see separate messages, timed on the estimator as
  // the extension ships it (see shippedEstimateTokens).
  const all = [...corpus.values()].flat();
  const bytes = all.reduce((a, s) => a + Buffer.byteLength(s, 'utf8'), 0);
  const chars = all.reduce((a, s) => a + s.length, 0);
  const shipped = shippedEstimateTokens();
  for (const s of all) {
    if (shipped(s) !== estimateTokens(s)) throw new Error('the bundled estimator disagrees with its source');
  }
  let sink = 0;
  const pass = () => {
    const t0 = performance.now();
    for (const s of all) sink += shipped(s);
    return performance.now() - t0;
  };
  for (let i = 0; i < 20; i++) pass(); // warm-up (JIT)
  const passMs: number[] = [];
  const cpu0 = process.cpuUsage();
  const end = performance.now() + TARGET_MS;
  while (performance.now() < end || passMs.length < 20) passMs.push(pass());
  const cpu = process.cpuUsage(cpu0);
  if (sink === 0) throw new Error('the estimator counted nothing');
  const m = median(passMs);
  return {
    categories,
    bytes,
    chars,
    passes: passMs.length,
    passMs,
    mbPerSecond: bytes / 1e6 / (m / 1000),
    cpuMbPerSecond: (bytes * passMs.length) / 1e6 / ((cpu.user + cpu.system) / 1e6),
  };
}

/* ---------------------------------------------------------------- figure 12 */

/** A callable gc (the bench runs without --expose-gc). */
function getGc(): () => void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g) return g;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

export interface O200kLoadResult {
  ranksPath: string;
  readMs: number;
  parseMs: number;
  buildMs: number;
  /** read + parse + build + warm-up: the first count's extra wait. */
  firstLoadMs: number;
  /** Heap kept while the encoder is alive (after gc), and the peak seen right after loading (before gc). */
  retainedHeapBytes: number;
  peakHeapBytes: number;
  /**
   * Tokens per second over the whole corpus: the first pass after load, then the median of further passes, each
   * started on an empty merge cache (as for new text); and, for reference, passes repeating cached text.
   */
  firstPassTokensPerSecond: number;
  tokensPerSecond: number;
  cachedTokensPerSecond: number;
  corpusTokens: number;
}

/** The worker's first load (tokenize.ts `o200k()`), replayed in Node on the packaged table. */
export function measureO200kLoad(ranksPath: string, corpus = loadCorpus()): O200kLoadResult {
  if (!existsSync(ranksPath)) throw new Error(`${ranksPath} is missing: build the extension first`);
  const gc = getGc();
  gc();
  gc();
  const heap0 = process.memoryUsage().heapUsed;
  const t0 = performance.now();
  const text = readFileSync(ranksPath, 'utf8');
  const t1 = performance.now();
  const ranks = JSON.parse(text) as (string | number[])[];
  const t2 = performance.now();
  const api = GptEncoding.getEncodingApi('o200k_base', () => ranks);
  const count = (s: string) => (s ? api.countTokens(s, PLAIN) : 0);
  count('warm up');
  const t3 = performance.now();
  const peakHeapBytes = process.memoryUsage().heapUsed - heap0;
  gc();
  gc();
  const retainedHeapBytes = process.memoryUsage().heapUsed - heap0;

  const all = [...corpus.values()].flat();
  api.clearMergeCache();
  const c0 = performance.now();
  let corpusTokens = 0;
  for (const s of all) corpusTokens += count(s);
  const firstMs = performance.now() - c0;
  const passes = (clear: boolean) => {
    const passMs: number[] = [];
    const end = performance.now() + TARGET_MS / 2;
    while (performance.now() < end || passMs.length < 5) {
      if (clear) api.clearMergeCache();
      const p0 = performance.now();
      let n = 0;
      for (const s of all) n += count(s);
      passMs.push(performance.now() - p0);
      if (n !== corpusTokens) throw new Error(`o200k counted ${n}, then ${corpusTokens}`);
    }
    return median(passMs);
  };
  const freshMs = passes(true);
  const cachedMs = passes(false);
  return {
    ranksPath,
    readMs: t1 - t0,
    parseMs: t2 - t1,
    buildMs: t3 - t2,
    firstLoadMs: t3 - t0,
    retainedHeapBytes,
    peakHeapBytes,
    firstPassTokensPerSecond: corpusTokens / (firstMs / 1000),
    tokensPerSecond: corpusTokens / (freshMs / 1000),
    cachedTokensPerSecond: corpusTokens / (cachedMs / 1000),
    corpusTokens,
  };
}

export interface WorkerFetchResult {
  fetchParseMs: number;
  entries: number;
  /** JS heap of the worker before / after, when the worker exposes performance.memory. */
  heapBefore?: number;
  heapAfter?: number;
}

/**
 * In the extension's real service worker: the same fetch + JSON parse of the packaged table as tokenize.ts
 * `fetchRanks` (the encoder build is not reachable from outside the worker's bundle).
 */
export async function measureWorkerFetch(worker: Worker, path: string): Promise<WorkerFetchResult> {
  // No named functions inside: tsx would wrap them in a `__name` helper the worker does not have.
  return worker.evaluate(async (p) => {
    const c = (globalThis as unknown as { chrome: { runtime: { getURL(s: string): string } } }).chrome;
    const perf = performance as unknown as { memory?: { usedJSHeapSize: number } };
    const heapBefore = perf.memory?.usedJSHeapSize;
    const t0 = performance.now();
    const res = await fetch(c.runtime.getURL(p));
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const ranks = (await res.json()) as unknown[];
    const fetchParseMs = performance.now() - t0;
    const heapAfter = perf.memory?.usedJSHeapSize;
    return { fetchParseMs, entries: ranks.length, heapBefore, heapAfter };
  }, path);
}

export interface PackageSize {
  file: string;
  bytes: number;
  gzipBytes: number;
  /** Compressed size of the entry inside the release zip, when one has been built. */
  zip?: { path: string; compressed: number; uncompressed: number };
}

/** Size the rank table adds: raw, gzip -9, and its entry in .output/*-chrome.zip when present. */
export function ranksPackageSize(file: string): PackageSize {
  const buf = readFileSync(file);
  const out: PackageSize = { file, bytes: buf.length, gzipBytes: gzipSync(buf, { level: 9 }).length };
  const outDir = resolve('.output');
  const zipName = existsSync(outDir) ? readdirSync(outDir).find((f) => /-chrome\.zip$/.test(f)) : undefined;
  if (zipName) {
    const entry = zipEntry(join(outDir, zipName), 'o200k_base.json');
    if (entry) out.zip = { path: join('.output', zipName), ...entry };
  }
  return out;
}

/** Sizes of one entry from a zip's central directory. */
function zipEntry(path: string, name: string): { compressed: number; uncompressed: number } | undefined {
  const z = readFileSync(path);
  let eocd = -1;
  for (let i = z.length - 22; i >= Math.max(0, z.length - 65_557); i--) {
    if (z.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return undefined;
  const entries = z.readUInt16LE(eocd + 10);
  let at = z.readUInt32LE(eocd + 16);
  for (let n = 0; n < entries && z.readUInt32LE(at) === 0x02014b50; n++) {
    const nameLen = z.readUInt16LE(at + 28);
    const entryName = z.toString('utf8', at + 46, at + 46 + nameLen);
    if (entryName === name) return { compressed: z.readUInt32LE(at + 20), uncompressed: z.readUInt32LE(at + 24) };
    at += 46 + nameLen + z.readUInt16LE(at + 30) + z.readUInt16LE(at + 32);
  }
  return undefined;
}
