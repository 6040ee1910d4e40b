/**
 * Pure functions from stored rows to what the views show. No DOM, no database: tested table-driven.
 */
import type { DailyTotal, SiteHealth, Turn } from './records';
import type { Provenance } from './messages';

export type BySource = Record<Provenance, number>;
const zero = (): BySource => ({ exact: 0, tokenized: 0, estimated: 0 });

export interface SiteSummary {
  site: string;
  today: BySource;
  week: BySource;
  turnsWeek: number;
}

export interface UsageSummary {
  today: BySource;
  week: BySource;
  /** Tokens of background calls (titles, summaries, agent sub-steps) within `week`, all provenances. */
  backgroundWeek: number;
  bySite: SiteSummary[];
  /** One entry per day of `days`, oldest first, tokens (input + output) by provenance. */
  series: { days: string[]; exact: number[]; tokenized: number[]; estimated: number[] };
}

export const tokensOf = (r: Pick<DailyTotal, 'inputTokens' | 'outputTokens'>) => r.inputTokens + r.outputTokens;
export const sumOf = (s: BySource) => s.exact + s.tokenized + s.estimated;

/**
 * Summarises daily rollups over `days` (oldest first; the last one is today). Rows outside `days` are
 * ignored, so callers may pass a wider range.
 */
export function summariseUsage(rows: readonly DailyTotal[], days: readonly string[]): UsageSummary {
  const today = days[days.length - 1];
  const index = new Map(days.map((d, i) => [d, i]));
  const series = {
    days: [...days],
    exact: days.map(() => 0),
    tokenized: days.map(() => 0),
    estimated: days.map(() => 0),
  };
  const sites = new Map<string, SiteSummary>();
  const totalToday = zero();
  const totalWeek = zero();
  let backgroundWeek = 0;
  for (const r of rows) {
    const i = index.get(r.day);
    if (i === undefined) continue;
    const n = tokensOf(r);
    series[r.source][i]! += n;
    let s = sites.get(r.site);
    if (!s) {
      s = { site: r.site, today: zero(), week: zero(), turnsWeek: 0 };
      sites.set(r.site, s);
    }
    s.week[r.source] += n;
    s.turnsWeek += r.turns;
    totalWeek[r.source] += n;
    backgroundWeek += r.backgroundTokens ?? 0;
    if (r.day === today) {
      s.today[r.source] += n;
      totalToday[r.source] += n;
    }
  }
  const bySite = [...sites.values()].filter((s) => s.turnsWeek > 0).sort((a, b) => sumOf(b.week) - sumOf(a.week));
  return { today: totalToday, week: totalWeek, backgroundWeek, bySite, series };
}

export type HealthState =
  { kind: 'ok'; since: number } | { kind: 'unrecognised'; since: number; contentType?: string } | { kind: 'waiting' };

/**
 * A site's health: "not recognised" when traffic that looked like a model call was last seen after the
 * last recognised one — so a site that changed shows up as a problem, never as a quiet zero.
 */
export function healthOf(h: SiteHealth | undefined): HealthState {
  if (!h) return { kind: 'waiting' };
  const good = h.lastRecognisedAt ?? 0;
  const bad = h.lastUnrecognisedAt ?? 0;
  if (bad > good) return { kind: 'unrecognised', since: bad, contentType: h.lastUnrecognisedType };
  if (good > 0) return { kind: 'ok', since: good };
  return { kind: 'waiting' };
}

export interface RunSummary {
  site: string;
  runId: string;
  name?: string;
  status?: Turn['runStatus'];
  tokens: number;
  source: Provenance;
  calls: number;
  /** Tool name → calls, most used first. */
  tools: Array<[string, number]>;
  lastAt: number;
}

/**
 * Groups turns into agent runs (the calls under one run/job/thread id). A run record seen by polling is
 * one row already (its usage and tool counts are the record's own totals); separate calls that name the
 * same run add up. The latest status reported wins.
 */
export function summariseRuns(turns: readonly Turn[]): RunSummary[] {
  const runs = new Map<string, RunSummary & { tally: Map<string, number>; statusAt: number }>();
  for (const t of turns) {
    if (!t.runId) continue;
    const key = `${t.site}|${t.runId}`;
    let r = runs.get(key);
    if (!r) {
      r = {
        site: t.site,
        runId: t.runId,
        tokens: 0,
        source: t.source,
        calls: 0,
        tools: [],
        lastAt: 0,
        tally: new Map(),
        statusAt: -1,
      };
      runs.set(key, r);
    }
    r.tokens += t.inputTokens + t.outputTokens;
    r.calls += 1;
    if (t.source === 'estimated') r.source = 'estimated'; // one estimate makes the total an estimate
    r.lastAt = Math.max(r.lastAt, t.at);
    if (t.runName) r.name = t.runName;
    if (t.runStatus && t.at >= r.statusAt) {
      r.status = t.runStatus;
      r.statusAt = t.at;
    }
    for (const [name, n] of Object.entries(t.toolCalls ?? {})) r.tally.set(name, (r.tally.get(name) ?? 0) + n);
  }
  return [...runs.values()]
    .map(({ tally, statusAt: _s, ...r }) => ({
      ...r,
      tools: [...tally].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])),
    }))
    .sort((a, b) => b.lastAt - a.lastAt);
}
