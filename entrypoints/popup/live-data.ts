/**
 * The popup's live queries, and Dexie with them: loaded after the first frame, which the head script's read
 * (utils/first-read.ts) supplies, so the popup evaluates none of this before its figures are on screen.
 */
import Dexie from 'dexie';
import { getDb } from '@/utils/db';
import { dayOf, lastDays } from '@/utils/day';
import { summariseRuns, type RunSummary } from '@/utils/metrics';
import type { DailyTotal, SiteHealth, Task } from '@/utils/records';
import { addDays, startOfWeek, trendAgainstOwnPast, weeklyTokensPerDone, type WindowKind } from '@/utils/task-metrics';
import { popupPlan } from './read-plan';

export { liveQuery } from 'dexie';

/** Weeks of the person's own past that "tokens per completed task" is compared with. */
export const TREND_WEEKS = 8;

/** What the popup's first view shows: one period's tasks, 30 days of rollups, site health. */
export interface PopupData {
  now: number;
  win: WindowKind;
  daily: DailyTotal[];
  tasks: Task[];
  health: SiteHealth[];
}

/** The popup's first view through Dexie, as a live query: the same plan as the head script's early read. */
export async function loadPopupData(win: WindowKind): Promise<PopupData> {
  const now = Date.now();
  const plan = popupPlan(win, now);
  const db = getDb();
  // One explicit read-only transaction: inside a live query, Dexie's implicit ones go through its query cache,
  // which deep-clones every row it returns (a large share of the first render in a CPU profile). Reads in an
  // explicit transaction come straight from IndexedDB and are still watched for changes.
  const [daily, tasks, health] = await db.transaction('r', [db.daily, db.tasks, db.health], () =>
    Promise.all([
      db.daily.where('day').between(plan.daily.from, plan.daily.to, true, true).toArray(),
      db.tasks.where('day').between(plan.tasks.from, plan.tasks.to, true, true).toArray(),
      db.health.toArray(),
    ]),
  );
  return { now, win, daily, tasks, health };
}

/** This week's agent runs with their tool calls: read after the first render. */
export async function loadRuns(): Promise<RunSummary[]> {
  const week = lastDays(7);
  // Only rows that name an agent run are in this index, so this stays small whatever the history.
  const turns = await getDb()
    .turns.where('[day+runId]')
    .between([week[0]!, Dexie.minKey], [week[6]!, Dexie.maxKey], true, true)
    .toArray();
  return summariseRuns(turns);
}

/** The person's own past weeks, for the trend: read after the first render, completed tasks only. */
export async function loadTrend(): Promise<number | null> {
  const now = Date.now();
  const today = dayOf(now);
  const from = addDays(startOfWeek(today), -7 * (TREND_WEEKS - 1));
  const done = await getDb()
    .tasks.where('[outcome+day]')
    .between(['done', from], ['done', today], true, true)
    .toArray();
  return trendAgainstOwnPast(weeklyTokensPerDone(done, TREND_WEEKS, now));
}
