/**
 * Figure 2: main-thread time the extension's scripts add per MB streamed, from a performance trace of the
 * /bench page in the browser with the extension.
 *
 * Two attributions are computed from the same trace:
 *  - CPU samples (the budgeted figure): V8's sampling profiler runs with the trace
 *    (`disabled-by-default-v8.cpu_profiler`); a sample counts for the extension when any frame of its stack
 *    belongs to a `chrome-extension://<id>/` script, so native work the extension calls (TextDecoder,
 *    RegExp, postMessage…) is included and page code is not. Each sample lasts until the next one.
 *  - Trace events (a lower bound, for cross-checking): top-level EvaluateScript / FunctionCall / v8.compile
 *    / v8.run… events whose url is the extension's, nested events merged so nothing counts twice. These miss
 *    promise continuations (the hook's stream reader), which run inside RunMicrotasks with no url — which is
 *    why they are not the budgeted figure.
 */
import type { Page } from 'playwright-core';
import { loadBench, streamOnce, type BenchRun } from './page-overhead';
import { median, sleep } from './stats';

export const TRACE_CATEGORIES = [
  'devtools.timeline',
  'disabled-by-default-devtools.timeline',
  'v8',
  'v8.execute',
  'disabled-by-default-v8.cpu_profiler',
];

export interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  id?: string;
  args?: { data?: Record<string, unknown> } & Record<string, unknown>;
}

export interface CallFrame {
  functionName: string;
  url?: string;
  lineNumber?: number;
  columnNumber?: number;
}
export interface ProfileNode {
  id: number;
  parent?: number;
  callFrame: CallFrame;
}

export interface Attribution {
  /** Main-thread ms attributed to the extension from CPU samples. */
  sampledExtMs: number;
  /** All sampled main-thread time in the trace (idle included), for scale. */
  sampledTotalMs: number;
  samples: number;
  extSamples: number;
  /** Merged top-level extension trace events (EvaluateScript, FunctionCall, …), ms. */
  eventExtMs: number;
  eventCount: number;
  /** Sampled ms by extension script file. */
  byScript: Record<string, number>;
  /** Innermost extension function of each sample (native callees included), heaviest first. */
  topFunctions: { fn: string; ms: number }[];
  /** Leaf frames (often native: RegExp exec, decode…) of extension samples, heaviest first. */
  topLeaves: { fn: string; ms: number }[];
}

const EVENT_NAMES = new Set([
  'EvaluateScript',
  'FunctionCall',
  'v8.compile',
  'v8.compileModule',
  'v8.run',
  'v8.evaluateModule',
  'TimerFire',
  'FireAnimationFrame',
]);

export function eventUrl(e: TraceEvent): string {
  const d = e.args?.data ?? {};
  for (const k of ['url', 'fileName', 'scriptName']) {
    const v = d[k];
    if (typeof v === 'string' && v !== '') return v;
  }
  return '';
}

export function top(m: Map<string, number>, n: number) {
  return [...m.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([fn, ms]) => ({ fn, ms: Math.round(ms * 10) / 10 }));
}

/** Total length of a set of [start, end] intervals sorted by start, overlaps (nesting) counted once. */
export function mergedLength(intervals: readonly (readonly [number, number])[]): number {
  let total = 0;
  let curStart = -1;
  let curEnd = -1;
  for (const [s, e] of intervals) {
    if (s > curEnd) {
      if (curEnd > curStart) total += curEnd - curStart;
      curStart = s;
      curEnd = e;
    } else curEnd = Math.max(curEnd, e);
  }
  if (curEnd > curStart) total += curEnd - curStart;
  return total;
}

export interface Profile {
  nodes: Map<number, ProfileNode>;
  /** Node id of each sample. */
  samples: number[];
  /** How long each sample stands for (ms): until the next sample. */
  durations: number[];
}

/** The V8 CPU profile recorded for one thread in the trace (ProfileChunk events). */
export function readProfile(events: readonly TraceEvent[], pid: number, tid: number): Profile {
  const profile = events.find((e) => e.name === 'Profile' && e.pid === pid && e.tid === tid);
  if (!profile?.id) throw new Error('no CPU profile for the page main thread in the trace');
  const nodes = new Map<number, ProfileNode>();
  const samples: number[] = [];
  const deltas: number[] = [];
  for (const e of events) {
    if (e.name !== 'ProfileChunk' || e.id !== profile.id || e.pid !== pid) continue;
    const d = e.args?.data as
      { cpuProfile?: { nodes?: ProfileNode[]; samples?: number[] }; timeDeltas?: number[] } | undefined;
    for (const n of d?.cpuProfile?.nodes ?? []) nodes.set(n.id, n);
    samples.push(...(d?.cpuProfile?.samples ?? []));
    deltas.push(...(d?.timeDeltas ?? []));
  }
  const durations = samples.map((_, i) => Math.max(0, deltas[i + 1] ?? 0) / 1000);
  return { nodes, samples, durations };
}

/** The innermost frame of a node's stack whose script url passes `test` (memoised walk to the root). */
export function innermost(nodes: Map<number, ProfileNode>, test: (url: string) => boolean) {
  const memo = new Map<number, ProfileNode | null>();
  const find = (id: number): ProfileNode | null => {
    const known = memo.get(id);
    if (known !== undefined) return known;
    const n = nodes.get(id);
    let r: ProfileNode | null = null;
    if (n) r = test(n.callFrame.url ?? '') ? n : n.parent !== undefined ? find(n.parent) : null;
    memo.set(id, r);
    return r;
  };
  return find;
}

export const frameLabel = (f: CallFrame, prefix: string): string =>
  `${f.functionName || '(anonymous)'}${f.url ? ` ${f.url.replace(prefix, '')}:${(f.lineNumber ?? 0) + 1}:${(f.columnNumber ?? 0) + 1}` : ''}`;

export interface MainThread {
  pid: number;
  tid: number;
}

/** The thread that evaluated the page hook: the page's main thread. */
export function mainThreadOf(events: readonly TraceEvent[], extId: string): MainThread {
  const url = `chrome-extension://${extId}/page-hook.js`;
  const hookEval = events.find((e) => e.name === 'EvaluateScript' && eventUrl(e) === url);
  if (!hookEval) throw new Error('the page hook (page-hook.js) was not evaluated in the traced page');
  return { pid: hookEval.pid, tid: hookEval.tid };
}

/** Attributes the page's main-thread time to the extension. Throws when the trace cannot be attributed. */
export function attribute(events: readonly TraceEvent[], extId: string, thread?: MainThread): Attribution {
  const prefix = `chrome-extension://${extId}/`;
  const { pid, tid } = thread ?? mainThreadOf(events, extId);

  // Trace events: merge the extension's intervals on that thread so nested events count once.
  const intervals = events
    .filter(
      (e) =>
        e.pid === pid &&
        e.tid === tid &&
        e.ph === 'X' &&
        EVENT_NAMES.has(e.name) &&
        eventUrl(e).startsWith(prefix) &&
        (e.dur ?? 0) > 0,
    )
    .map((e) => [e.ts, e.ts + e.dur!] as const)
    .sort((a, b) => a[0] - b[0]);
  const eventUs = mergedLength(intervals);

  // CPU samples of the main thread's profile.
  const { nodes, samples, durations } = readProfile(events, pid, tid);
  const extFrame = innermost(nodes, (url) => url.startsWith(prefix));
  let totalMs = 0;
  let extMs = 0;
  let extSamples = 0;
  const byScript: Record<string, number> = {};
  const fns = new Map<string, number>();
  const leaves = new Map<string, number>();
  for (let i = 0; i < samples.length; i++) {
    const ms = durations[i]!;
    totalMs += ms;
    const f = extFrame(samples[i]!);
    if (!f) continue;
    extMs += ms;
    extSamples++;
    const script = (f.callFrame.url ?? '').replace(prefix, '');
    byScript[script] = (byScript[script] ?? 0) + ms;
    const fk = frameLabel(f.callFrame, prefix);
    fns.set(fk, (fns.get(fk) ?? 0) + ms);
    const leaf = nodes.get(samples[i]!)!;
    const lk =
      leaf === f
        ? `${fk} (self)`
        : `${frameLabel(leaf.callFrame, prefix)} ← ${f.callFrame.functionName || '(anonymous)'}`;
    leaves.set(lk, (leaves.get(lk) ?? 0) + ms);
  }
  return {
    sampledExtMs: extMs,
    sampledTotalMs: totalMs,
    samples: samples.length,
    extSamples,
    eventExtMs: eventUs / 1000,
    eventCount: intervals.length,
    byScript,
    topFunctions: top(fns, 8),
    topLeaves: top(leaves, 8),
  };
}

/** Records a trace of `run` on `page`'s target (the whole renderer, service workers excluded). */
export async function traceDuring<T>(
  page: Page,
  run: () => Promise<T>,
  categories: string[] = TRACE_CATEGORIES,
): Promise<{ events: TraceEvent[]; result: T }> {
  const cdp = await page.context().newCDPSession(page);
  const events: TraceEvent[] = [];
  cdp.on('Tracing.dataCollected', (e) => events.push(...(e.value as unknown as TraceEvent[])));
  const complete = new Promise<void>((resolve) => cdp.once('Tracing.tracingComplete', () => resolve()));
  await cdp.send('Tracing.start', {
    traceConfig: { includedCategories: categories, recordMode: 'recordAsMuchAsPossible' },
    transferMode: 'ReportEvents',
  });
  let result: T;
  try {
    result = await run();
  } finally {
    await cdp.send('Tracing.end');
    await complete;
    await cdp.detach().catch(() => {});
  }
  return { events, result };
}

export interface ExtCostResult {
  runs: {
    bytes: number;
    benchMs: number;
    attribution: Attribution;
    msPerMB: number;
    eventMsPerMB: number;
    /** Extension ms while the page loaded (scripts evaluated, channel set up): once per page, not per MB. */
    loadExtMs: number;
  }[];
  /** Median ms per MB (10^6 bytes of streamed reply text), CPU samples, from the streaming trace. */
  msPerMB: number;
  eventMsPerMB: number;
  /** Median extension ms during page load. */
  loadExtMs: number;
  /** Median ms to TextDecoder.decode 1 MB of the same reply text in the page. */
  decodeMsPerMB: number;
  decodeSamples: number[];
}

/** Median TextDecoder.decode time for 1 MB (10^6 bytes) of the text the page just rendered. */
async function decodeCost(page: Page, reps: number): Promise<number[]> {
  return page.evaluate((n) => {
    const text = document.getElementById('out')?.textContent ?? '';
    const bytes = new TextEncoder().encode(text).subarray(0, 1_000_000);
    if (bytes.length < 1_000_000) throw new Error(`only ${bytes.length} bytes of text on the page`);
    const times: number[] = [];
    let chars = 0;
    for (let i = 0; i < n; i++) {
      const t = performance.now();
      chars += new TextDecoder().decode(bytes).length;
      times.push(performance.now() - t);
    }
    if (chars === 0) throw new Error('nothing decoded');
    return times;
  }, reps);
}

export async function measureExtensionCost(
  page: Page,
  url: string,
  extId: string,
  runs: number,
  log: (s: string) => void,
): Promise<ExtCostResult> {
  const out: ExtCostResult['runs'] = [];
  let decodeSamples: number[] = [];
  for (let i = 0; i < runs; i++) {
    await page.goto('about:blank');
    // Two traces: the page load (content scripts evaluated, channel set up: a cost paid once per page)
    // and the stream, plus a quiet 0.6 s so the extension's trailing work (parsing the rest of its copy,
    // posting the fact) is in it too. Only the second is divided by the bytes streamed.
    const load = await traceDuring(page, () => loadBench(page, url));
    const thread = mainThreadOf(load.events, extId);
    const loadExtMs = attribute(load.events, extId, thread).sampledExtMs;
    const { events, result } = await traceDuring<BenchRun>(page, async () => {
      const r = await streamOnce(page);
      await sleep(600);
      return r;
    });
    const a = attribute(events, extId, thread);
    if (a.extSamples === 0) throw new Error('no CPU sample was attributed to the extension: attribution is broken');
    const mb = result.bytes / 1e6;
    out.push({
      bytes: result.bytes,
      benchMs: result.ms,
      attribution: a,
      msPerMB: a.sampledExtMs / mb,
      eventMsPerMB: a.eventExtMs / mb,
      loadExtMs,
    });
    log(
      `  trace ${i + 1}/${runs}: extension ${a.sampledExtMs.toFixed(0)} ms sampled (${a.extSamples} samples), ` +
        `${a.eventExtMs.toFixed(1)} ms in url-bearing events; page ${result.ms.toFixed(0)} ms; ` +
        `${loadExtMs.toFixed(0)} ms at page load`,
    );
    if (i === runs - 1) decodeSamples = await decodeCost(page, 15);
  }
  return {
    runs: out,
    msPerMB: median(out.map((r) => r.msPerMB)),
    eventMsPerMB: median(out.map((r) => r.eventMsPerMB)),
    loadExtMs: median(out.map((r) => r.loadExtMs)),
    decodeMsPerMB: median(decodeSamples),
    decodeSamples,
  };
}
