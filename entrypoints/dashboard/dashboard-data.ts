/**
 * What the dashboard reads from IndexedDB. Every read goes through an index bounded by the range, so the
 * first view costs what the range holds, not what the whole history holds (20,000 tasks over a year in the
 * bench). Only the background writes; these run inside useLiveQuery so changes made elsewhere show at once.
 */
import type { TokenwiseDB } from '@/utils/db';
import { dailyInDays, type ReadPlan } from '@/utils/first-read';
import { readPlanWithDexie } from '@/utils/read-plan-dexie';
import type { Conversation, DailyTotal, Task, Turn } from '@/utils/records';
import { addDays, startOfWeek, type DayRange } from '@/utils/task-metrics';
import { turnsInDays, turnsOfConversations } from '@/utils/turn-store';
import { conversationsOfTasks } from '@/utils/conversation-store';
import { rangeOf, type RangeId } from './ranges';
import { getTask, latestTasks, openManualTask, taskDaysRead, tasksInDays, tasksOfRecords } from '@/utils/task-store';

/** This week and the eight before it: enough past weeks for a usual week to mean something. */
export const TREND_WEEKS = 9;

export interface OverviewData {
  range: DayRange;
  /** When it was read: the same instant decides "idle", "needs an outcome" and the weeks. */
  now: number;
  daily: DailyTotal[];
  /** Tasks last active in the range. */
  tasks: Task[];
}

/**
 * The first view: the range's daily rollups and tasks, and nothing else, in one explicit read-only transaction
 * (utils/read-plan-dexie.ts says why).
 */
export async function loadOverview(db: TokenwiseDB, id: RangeId, now = Date.now()): Promise<OverviewData> {
  return overviewData(id, await readPlanWithDexie(db, overviewPlan(id, now)), now);
}

/**
 * The first view's reads (the range's rollups and tasks, by day): one plan for loadOverview and the page's
 * <head> script, which starts them before the bundle is evaluated (utils/first-read.ts).
 */
export function overviewPlan(id: RangeId, now: number) {
  const range = rangeOf(id, now);
  return {
    daily: dailyInDays(range.from, range.to),
    tasks: taskDaysRead(range.from, range.to),
  } satisfies ReadPlan;
}

/** The key the head script's read goes by. */
export const overviewReadKey = (id: RangeId) => `dashboard:${id}`;

/** Rows read by the overview's plan (early in the <head>, or through Dexie) as the first view. */
export function overviewData(id: RangeId, rows: Record<string, unknown[]>, now: number): OverviewData {
  return { range: rangeOf(id, now), now, daily: rows.daily as DailyTotal[], tasks: tasksOfRecords(rows.tasks!) };
}

/** The first day of the weeks the trend compares (this week and the ones before it). */
export const trendFrom = (today: string) => addDays(startOfWeek(today), -7 * (TREND_WEEKS - 1));

/**
 * Tasks of the trend's weeks that fall before the range (none when the range already reaches back that far).
 * Read after the first view is on screen: for a short range this doubles the tasks read (measured), and only
 * the trend line needs them.
 */
export async function loadEarlierTrendTasks(db: TokenwiseDB, range: DayRange): Promise<Task[]> {
  const from = trendFrom(range.to);
  if (from >= range.from) return [];
  // An explicit transaction, like loadOverview: no deep copy of every row.
  const dayBefore = addDays(range.from, -1);
  return db.transaction('r', db.taskBundles, () => tasksInDays(db, from, dayBefore));
}

/**
 * Turns of the range, for the model breakdown (the daily rollups do not keep the model). This is the one read
 * that grows with the number of calls, so the page shows everything else before it.
 */
export async function loadRangeTurns(db: TokenwiseDB, range: DayRange): Promise<Turn[]> {
  // An explicit transaction, like loadOverview: no deep copy of every turn.
  return db.transaction('r', db.turnBundles, () => turnsInDays(db, range.from, range.to));
}

/** The manual task new conversations join ("I'm working on: …"), if one is running. Manual tasks are few. */
export async function loadRunningTask(db: TokenwiseDB): Promise<Task | null> {
  const t = await openManualTask(db);
  return t ?? null; // null, not undefined: useLiveQuery's undefined means "still loading"
}

export interface TaskDetailData {
  /** Null when no task has that id (merged away, or a stale link). */
  task: Task | null;
  conversations: Conversation[];
  /** Oldest first. */
  turns: Turn[];
  /** Other recently active tasks, newest first: where a conversation can be moved to. */
  recent: Task[];
  /** When it was read, for "idle since". */
  now: number;
}

/** How many other tasks the "Move to…" list offers. */
export const MOVE_TARGETS = 20;

export async function loadTaskDetail(db: TokenwiseDB, id: string): Promise<TaskDetailData> {
  const [task, conversations, recent] = await Promise.all([
    getTask(db, id),
    conversationsOfTasks(db, [id]),
    latestTasks(db, MOVE_TARGETS + 1),
  ]);
  const turns = await turnsOfConversations(
    db,
    conversations.map((c) => c.id),
  );
  turns.sort((a, b) => a.at - b.at);
  conversations.sort((a, b) => a.firstAt - b.firstAt);
  return {
    task: task ?? null,
    conversations,
    turns,
    recent: recent.filter((t) => t.id !== id).slice(0, MOVE_TARGETS),
    now: Date.now(),
  };
}
