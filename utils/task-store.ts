/**
 * Where tasks live: a record per local day of their latest activity, holding up to 500 of them (`TaskBundle`;
 * utils/bundle-store.ts says why). A task's day moves forward when it is active again, and the writer moves it
 * to that day's record with it, so the views' "tasks active in these days" is one range of keys: read in key
 * order, a week of tasks costs a handful of records instead of hundreds of index lookups.
 */
import type Dexie from 'dexie';
import type { Table } from 'dexie';
import type { Task, TaskBundle } from './records';
import type { RangeRead } from './first-read';
import { addDays } from './task-metrics';
import {
  allRows,
  bundleAll,
  BundleWriter,
  bundleTable,
  countRows,
  deleteRows,
  distinct,
  getRow,
  getRows,
  groupKeys,
  groupOfKey,
  makeBundleOf,
  putRows,
  rowsInGroups,
  type BundleKind,
} from './bundle-store';

export const TASK_BUNDLES = 'taskBundles';

const isOpenManual = (t: Task) => t.kind === 'manual' && t.endedAt === undefined;

export const TASKS: BundleKind<Task, TaskBundle> = {
  table: TASK_BUNDLES,
  groupOf: (t) => t.day,
  indexFields: (rows) => ({ openManualIds: distinct(rows.filter(isOpenManual).map((t) => t.id)) }),
  maxRows: 500,
};

export const taskBundles = (db: Dexie): Table<TaskBundle, string> => bundleTable(db, TASKS);
/** Tasks grouped into their bundles (for a write into an empty store: import, upgrade, seeding). */
export const bundleTasks = (rows: Iterable<Task>): TaskBundle[] => bundleAll(TASKS, rows);
export const getTask = (db: Dexie, id: string) => getRow(db, TASKS, id);
/** The stored tasks among `ids`, by id. */
export const getTasks = (db: Dexie, ids: readonly string[]) => getRows(db, TASKS, ids);
export const allTasks = (db: Dexie) => allRows(db, TASKS);
/** How many tasks are stored, without reading a single bundle. */
export const countTasks = (db: Dexie) => countRows(db, TASKS);
/** Adds or replaces these tasks (by id), moving any whose day changed. */
export const putTasks = (db: Dexie, rows: readonly Task[]) => putRows(db, TASKS, rows);
/** Deletes these tasks (by id); returns how many were stored. */
export const deleteTasks = (db: Dexie, ids: readonly string[]) => deleteRows(db, TASKS, ids);

/** Tasks last active on the local days `from`..`to` (inclusive), day by day. */
export const tasksInDays = (db: Dexie, from: string, to: string): Promise<Task[]> => rowsInGroups(db, TASKS, from, to);

/** A read plan's read (utils/first-read.ts) of the task records of the days `from`..`to`: a range of keys. */
export function taskDaysRead(from: string, to: string): RangeRead {
  const [lo, hi] = groupKeys(from, to);
  return { table: TASK_BUNDLES, from: lo, to: hi };
}

/** The tasks in records a read plan read. */
export const tasksOfRecords = (records: readonly unknown[]): Task[] =>
  (records as readonly TaskBundle[]).flatMap((b) => b.rows);

/** The manual task new conversations join, if the person has one running. */
export async function openManualTask(db: Dexie): Promise<Task | undefined> {
  const keys = await taskBundles(db).where('openManualIds').above('').primaryKeys();
  const bundles = await taskBundles(db).bulkGet([...new Set(keys)]);
  return bundles.flatMap((b) => b?.rows.filter(isOpenManual) ?? [])[0];
}

/**
 * Deletes every task last active before `cutoff` (ms); returns their ids. Tasks are grouped by the local day of
 * their latest activity, so only the records up to the day after `cutoffDay` (its local day; a day of slack for
 * a time zone changed since) are read, and the ones wholly older are deleted without being rewritten.
 */
export async function deleteTasksActiveBefore(db: Dexie, cutoff: number, cutoffDay: string): Promise<string[]> {
  const [, hi] = groupKeys(cutoffDay, addDays(cutoffDay, 1));
  const table = taskBundles(db);
  const bundles = await table.where(':id').below(hi).toArray();
  const deleted: string[] = [];
  const emptied: string[] = [];
  const rewritten: TaskBundle[] = [];
  for (const b of bundles) {
    const keep = b.rows.filter((t) => t.lastAt >= cutoff);
    if (keep.length === b.rows.length) continue;
    for (const t of b.rows) if (t.lastAt < cutoff) deleted.push(t.id);
    if (keep.length === 0) emptied.push(b.key);
    else rewritten.push(makeBundleOf(TASKS, b.key, keep));
  }
  if (emptied.length) await table.bulkDelete(emptied);
  if (rewritten.length) await table.bulkPut(rewritten);
  return deleted;
}

/** The `n` most recently active tasks, newest first (read from the latest days back, a record at a time). */
export async function latestTasks(db: Dexie, n: number): Promise<Task[]> {
  const out: Task[] = [];
  let lastDayRead = '';
  await taskBundles(db)
    .orderBy(':id')
    .reverse()
    // Once n are read, a record of an earlier day holds none of the latest (a day can span several records).
    .until((b) => out.length >= n && groupOfKey(b.key) < lastDayRead)
    .each((b) => {
      out.push(...b.rows);
      lastDayRead = groupOfKey(b.key);
    });
  return out.sort((a, b) => b.lastAt - a.lastAt || a.id.localeCompare(b.id)).slice(0, n);
}

/** Changes to tasks within one transaction (BundleWriter): load, then get / put / delete, then flush. */
export class TaskWriter extends BundleWriter<Task, TaskBundle> {
  constructor(db: Dexie) {
    super(db, TASKS);
  }
}
