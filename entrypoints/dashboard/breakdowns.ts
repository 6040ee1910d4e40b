/**
 * Where the tokens went in a range: by site or tool, by model, by kind of task. Pure: the component reads
 * the rows (daily totals for sites, turns for models, tasks for kinds) and draws what comes back.
 */
import type { DailyTotal, Task, TaskKind, Turn } from '@/utils/records';
import { siteLabel } from '@/utils/sites';
import { inRange, type DayRange } from '@/utils/task-metrics';

export interface Slice {
  key: string;
  label: string;
  tokens: number;
  /** Of `tokens`, what was estimated or tokenized locally rather than reported by the service. */
  estimated: number;
  costUsd: number;
  /** Tokens of calls no price was known for: their cost is not in `costUsd`. */
  unpricedTokens: number;
}

const slice = (key: string, label: string): Slice => ({
  key,
  label,
  tokens: 0,
  estimated: 0,
  costUsd: 0,
  unpricedTokens: 0,
});

const largestFirst = (a: Slice, b: Slice) => b.tokens - a.tokens || a.label.localeCompare(b.label);

/** Tokens per site, from the daily rollups (O(days × sites), whatever the number of turns). */
export function bySite(daily: readonly DailyTotal[], range: DayRange): Slice[] {
  const out = new Map<string, Slice>();
  for (const d of daily) {
    if (!inRange(d.day, range)) continue;
    let s = out.get(d.site);
    if (!s) out.set(d.site, (s = slice(d.site, siteLabel(d.site))));
    const n = d.inputTokens + d.outputTokens;
    s.tokens += n;
    if (d.source !== 'exact') s.estimated += n;
    s.costUsd += d.costUsd ?? 0;
    s.unpricedTokens += d.unpricedTokens ?? 0;
  }
  return [...out.values()].filter((s) => s.tokens > 0).sort(largestFirst);
}

export const UNKNOWN_MODEL = 'Model not named';

/** Tokens per model as the traffic named it; calls that named none are kept together, not dropped. */
export function byModel(turns: readonly Turn[]): Slice[] {
  const out = new Map<string, Slice>();
  for (const t of turns) {
    const key = t.model ?? '';
    let s = out.get(key);
    if (!s) out.set(key, (s = slice(key, key || UNKNOWN_MODEL)));
    const n = t.inputTokens + t.outputTokens;
    s.tokens += n;
    if (t.source !== 'exact') s.estimated += n;
    if (t.costUsd === undefined) s.unpricedTokens += n;
    else s.costUsd += t.costUsd;
  }
  return [...out.values()].filter((s) => s.tokens > 0).sort(largestFirst);
}

export const KIND_LABELS: Readonly<Record<TaskKind, string>> = {
  chat: 'Chat',
  agent: 'Agent runs',
  manual: 'Your own tasks',
};

/** Tokens per kind of task last active in the range, always in the same order so colours stay put. */
export function byKind(tasks: readonly Task[], range: DayRange): Slice[] {
  const out = new Map<TaskKind, Slice>(
    (Object.keys(KIND_LABELS) as TaskKind[]).map((k) => [k, slice(k, KIND_LABELS[k])]),
  );
  for (const t of tasks) {
    if (!inRange(t.day, range)) continue;
    const s = out.get(t.kind)!;
    const n = t.inputTokens + t.outputTokens;
    s.tokens += n;
    s.estimated += n - t.exactTokens;
    s.costUsd += t.costUsd;
    s.unpricedTokens += t.unpricedTokens;
  }
  return [...out.values()].filter((s) => s.tokens > 0);
}

export const OTHER_KEY = '\u0000other';

/**
 * The `n - 1` largest slices and the rest summed as "Other", so a chart stays legible with many models or
 * sites. Totals are unchanged. Slices must already be largest first.
 */
export function topSlices(slices: readonly Slice[], n: number): Slice[] {
  if (slices.length <= n) return [...slices];
  const head = slices.slice(0, n - 1);
  const rest = slices.slice(n - 1);
  const other = slice(OTHER_KEY, `${rest.length} others`);
  for (const s of rest) {
    other.tokens += s.tokens;
    other.estimated += s.estimated;
    other.costUsd += s.costUsd;
    other.unpricedTokens += s.unpricedTokens;
  }
  return [...head, other];
}
