/**
 * The dashboard's time ranges, in local calendar days (like every other view: a "day" is the person's own).
 * Pure: `now` is passed in, so the tests pin it.
 */
import { dayOf } from '@/utils/day';
import { addDays, startOfWeek, type DayRange } from '@/utils/task-metrics';

export const RANGE_IDS = ['today', 'week', '30d', '90d', 'year', 'all'] as const;
export type RangeId = (typeof RANGE_IDS)[number];

export const RANGE_LABELS: Readonly<Record<RangeId, string>> = {
  today: 'Today',
  week: 'This week',
  '30d': '30 days',
  '90d': '90 days',
  year: 'This year',
  all: 'All',
};

/** Long enough to show a pattern, short enough that the first view reads little (see the page budget). */
export const DEFAULT_RANGE: RangeId = '30d';

/**
 * "All" starts before any possible history. Every `YYYY-MM-DD` sorts after it, so it works as an index bound,
 * and charts start at the first day that has data instead (see day-series.ts).
 */
export const ALL_FROM = '0000-01-01';

export const isRangeId = (s: string): s is RangeId => (RANGE_IDS as readonly string[]).includes(s);

/** The inclusive days a range covers, ending today. */
export function rangeOf(id: RangeId, now: number | Date = Date.now()): DayRange {
  const today = dayOf(now);
  switch (id) {
    case 'today':
      return { from: today, to: today };
    case 'week':
      return { from: startOfWeek(today), to: today };
    case '30d':
      return { from: addDays(today, -29), to: today };
    case '90d':
      return { from: addDays(today, -89), to: today };
    case 'year':
      return { from: `${today.slice(0, 4)}-01-01`, to: today };
    case 'all':
      return { from: ALL_FROM, to: today };
  }
}
