/**
 * What the popup's first view reads: one plan for the head script's early read (utils/first-read.ts) and the
 * popup's own live query, so the two cannot drift apart.
 */
import { dayOf, lastDays } from '@/utils/day';
import { dailyInDays, type ReadPlan } from '@/utils/first-read';
import { taskDaysRead } from '@/utils/task-store';
import { addDays, windowRange, type WindowKind } from '@/utils/task-metrics';

/** The period the popup opens on. */
export const FIRST_WINDOW: WindowKind = 'week';

/**
 * Rollups of the last 30 days (the chart), the tasks of the chosen period and at least the chart's 7 days of
 * them (completed tasks are drawn per day), and site health. Bounded by days, not by history.
 */
export function popupPlan(win: WindowKind, now: number) {
  const today = dayOf(now);
  const week = lastDays(7, now);
  const range = windowRange(win, now);
  return {
    daily: dailyInDays(addDays(today, -29), today),
    tasks: taskDaysRead(range.from < week[0]! ? range.from : week[0]!, today),
    health: { table: 'health' },
  } satisfies ReadPlan;
}

/** The key the head script's read goes by. */
export const popupReadKey = (win: WindowKind) => `popup:${win}`;
