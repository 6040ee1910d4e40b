/**
 * The main chart's data: tokens by provenance and tasks completed, per day — or per week or month when the
 * range is long enough that daily bars would be slivers. Pure, in local calendar days.
 */
import type { DailyTotal, Task } from '@/utils/records';
import { addDays, startOfWeek, type DayRange } from '@/utils/task-metrics';
import { ALL_FROM } from './ranges';

export type Bucket = 'day' | 'week' | 'month';

export interface DaySeries {
  bucket: Bucket;
  /** First day of each bucket, oldest first (a Monday for weeks, the 1st for months). */
  starts: string[];
  exact: number[];
  tokenized: number[];
  estimated: number[];
  /** Tasks marked done, placed by the day of their last activity like the headline counts. */
  done: number[];
}

/** Up to about three months, one bar a day; up to two years, a week; beyond, a month. */
export function bucketFor(days: number): Bucket {
  if (days <= 92) return 'day';
  if (days <= 731) return 'week';
  return 'month';
}

const bucketKey = (day: string, bucket: Bucket) =>
  bucket === 'day' ? day : bucket === 'week' ? startOfWeek(day) : `${day.slice(0, 7)}-01`;

/** The first day anything happened, for "All": a chart of empty years before the first turn says nothing. */
function firstDay(daily: readonly DailyTotal[], tasks: readonly Task[]): string | undefined {
  let first: string | undefined;
  for (const d of daily) if (first === undefined || d.day < first) first = d.day;
  for (const t of tasks) if (t.turns > 0 && (first === undefined || t.day < first)) first = t.day;
  return first;
}

export function daySeries(daily: readonly DailyTotal[], tasks: readonly Task[], range: DayRange): DaySeries {
  const from = range.from === ALL_FROM ? (firstDay(daily, tasks) ?? range.to) : range.from;
  const days: string[] = [];
  for (let d = from; d <= range.to; d = addDays(d, 1)) days.push(d);
  const bucket = bucketFor(days.length);
  const index = new Map<string, number>();
  const starts: string[] = [];
  for (const d of days) {
    const key = bucketKey(d, bucket);
    if (!index.has(key)) {
      index.set(key, starts.length);
      // A week or month cut by the range still starts at its real first day, so labels read naturally.
      starts.push(key);
    }
  }
  const zeros = () => starts.map(() => 0);
  const series: DaySeries = { bucket, starts, exact: zeros(), tokenized: zeros(), estimated: zeros(), done: zeros() };
  const slot = (day: string) => (day >= from && day <= range.to ? index.get(bucketKey(day, bucket)) : undefined);
  for (const d of daily) {
    const i = slot(d.day);
    if (i !== undefined) series[d.source][i]! += d.inputTokens + d.outputTokens;
  }
  for (const t of tasks) {
    if (t.outcome !== 'done' || t.turns === 0) continue;
    const i = slot(t.day);
    if (i !== undefined) series.done[i]!++;
  }
  return series;
}
