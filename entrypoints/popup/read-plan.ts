/**
 * What the popup's first view reads: one plan for the head script's early read (utils/first-read.ts) and the
 * popup's own live query, so the two cannot drift apart.
 */
import { dayOf, lastDays } from '@/utils/day';
import { dailyInDays, type ReadPlan } from '@/utils/first-read';
import type { DailyTotal, SiteHealth, Task } from '@/utils/records';
import { taskDaysRead, tasksOfRecords } from '@/utils/task-store';
import { windowRange, type WindowKind } from '@/utils/task-metrics';

/** Weeks of the person's own past that "tokens per completed task" is compared with. */
export const TREND_WEEKS = 8;

/** The period the popup opens on. */
export const FIRST_WINDOW: WindowKind = 'week';

/**
 * The rollups and tasks of the chosen period, and at least of the chart's and the site table's 7 days, and site
 * health. Bounded by days, not by history; read by key ranges (utils/first-read.ts says why).
 */
export function popupPlan(win: WindowKind, now: number) {
  const today = dayOf(now);
  const week = lastDays(7, now);
  const range = windowRange(win, now);
  const from = range.from < week[0]! ? range.from : week[0]!;
  return {
    daily: dailyInDays(from, today),
    tasks: taskDaysRead(from, today),
    health: { table: 'health' },
  } satisfies ReadPlan;
}

/** The key the head script's read goes by. */
export const popupReadKey = (win: WindowKind) => `popup:${win}`;

export interface PopupData {
  now: number;
  win: WindowKind;
  daily: DailyTotal[];
  tasks: Task[];
  health: SiteHealth[];
}

/** Rows read by the popup's plan (early in the <head>, or through Dexie) as the popup's data. */
export function popupData(rows: Record<string, unknown[]>, now: number, win: WindowKind): PopupData {
  return {
    now,
    win,
    daily: rows.daily as DailyTotal[],
    tasks: tasksOfRecords(rows.tasks!),
    health: rows.health as SiteHealth[],
  };
}
