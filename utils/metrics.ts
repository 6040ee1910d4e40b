/**
 * Pure functions from stored rows to what the views show. No DOM, no database: tested table-driven.
 */
import type { DailyTotal, SiteHealth } from './records';
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
