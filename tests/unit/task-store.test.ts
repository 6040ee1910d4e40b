// Tasks stored a local day of latest activity to a record (utils/task-store.ts): read by a range of days, moved
// to a later day's record when active again (by ingest and by the person's edits), the running manual task found
// by its index, the latest tasks read newest day first, and retention deleting whole old records.
import { describe, expect, it } from 'vitest';
import type { Task } from '@/utils/records';
import { emptyRollup } from '@/utils/task-rollups';
import { bundleTable, makeBundleOf } from '@/utils/bundle-store';
import { dayOf } from '@/utils/day';
import { addDays } from '@/utils/task-metrics';
import {
  allTasks,
  countTasks,
  deleteTasksActiveBefore,
  getTask,
  latestTasks,
  openManualTask,
  putTasks,
  TASKS,
  tasksInDays,
} from '@/utils/task-store';
import { ingestFacts } from '@/entrypoints/background/ingest';
import { endTask, mergeTasks, setOutcome, startTask } from '@/entrypoints/background/tasks';
import { freshDb, siteFact } from './helpers';

const DAY = 86_400_000;
const NOON = new Date(2026, 10, 20, 12).getTime(); // local noon, 20 November 2026

function task(id: string, lastAt: number, extra: Partial<Task> = {}): Task {
  return {
    ...emptyRollup(),
    id,
    kind: 'chat',
    createdAt: lastAt - 60_000,
    lastAt,
    day: dayOf(lastAt),
    conversations: 1,
    signals: {},
    ...extra,
  };
}

async function expectConsistent(db: ReturnType<typeof freshDb>) {
  for (const b of await bundleTable(db, TASKS).toArray()) {
    expect(b).toEqual(makeBundleOf(TASKS, b.key, b.rows));
    for (const t of b.rows) expect(b.key.startsWith(`${t.day}|`), `${t.id} in ${b.key}`).toBe(true);
  }
}

const ids = (rows: readonly Task[]) => rows.map((t) => t.id).sort();

describe('task store', () => {
  it('reads the tasks of a range of days, and only those', async () => {
    const db = freshDb();
    await putTasks(db, [
      task('t|a', NOON - 3 * DAY),
      task('t|b', NOON - DAY),
      task('t|c', NOON - DAY + 1000),
      task('t|d', NOON),
    ]);
    expect(ids(await tasksInDays(db, dayOf(NOON - DAY), dayOf(NOON)))).toEqual(['t|b', 't|c', 't|d']);
    expect(ids(await tasksInDays(db, dayOf(NOON - 2 * DAY), dayOf(NOON - 2 * DAY)))).toEqual([]);
    expect(await countTasks(db)).toBe(4);
    expect((await getTask(db, 't|c'))?.lastAt).toBe(NOON - DAY + 1000);
    await expectConsistent(db);
  });

  it('moves a task to the record of its new day when it is active again, leaving no copy behind', async () => {
    const db = freshDb();
    await putTasks(db, [task('t|a', NOON - 2 * DAY), task('t|b', NOON - 2 * DAY)]);
    await putTasks(db, [task('t|a', NOON)]);
    expect(ids(await tasksInDays(db, dayOf(NOON - 2 * DAY), dayOf(NOON - 2 * DAY)))).toEqual(['t|b']);
    expect(ids(await tasksInDays(db, dayOf(NOON), dayOf(NOON)))).toEqual(['t|a']);
    expect(ids(await allTasks(db))).toEqual(['t|a', 't|b']);
    await putTasks(db, [task('t|b', NOON)]);
    // The record of the day it left is gone once empty.
    expect(await bundleTable(db, TASKS).toCollection().primaryKeys()).toEqual([`${dayOf(NOON)}|0000`]);
    await expectConsistent(db);
  });

  it('ingest moves a task that gets a new turn today out of the record of its earlier day', async () => {
    const db = freshDb();
    const yesterday = NOON - DAY;
    const fact = (key: string, startedAt: number) => ({ ...siteFact({ key, startedAt }), conv: 'c1' });
    await ingestFacts(db, [fact('q1', yesterday)], yesterday);
    const [before] = await allTasks(db);
    expect(before!.day).toBe(dayOf(yesterday));
    await ingestFacts(db, [fact('q2', NOON)], NOON);
    const after = await allTasks(db);
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ id: before!.id, day: dayOf(NOON), turns: 2 });
    expect(await tasksInDays(db, dayOf(yesterday), dayOf(yesterday))).toEqual([]);
    await expectConsistent(db);
  });

  it('finds the running manual task by its index, and none once it is ended', async () => {
    const db = freshDb();
    expect(await openManualTask(db)).toBeUndefined();
    await putTasks(db, [task('t|chat', NOON)]);
    const id = await startTask(db, 'Quarterly report', NOON - 3 * DAY);
    expect((await openManualTask(db))?.id).toBe(id);
    // Starting another ends the first: only the new one is running.
    const next = await startTask(db, 'Billing cleanup', NOON);
    expect((await openManualTask(db))?.id).toBe(next);
    expect((await getTask(db, id))?.endedAt).toBe(NOON);
    await endTask(db, NOON + 1000);
    expect(await openManualTask(db)).toBeUndefined();
    await expectConsistent(db);
  });

  it('merging recomputes the day: the merged task is stored under its latest activity', async () => {
    const db = freshDb();
    await putTasks(db, [task('t|old', NOON - 5 * DAY), task('t|new', NOON)]);
    await mergeTasks(db, 't|old', ['t|new']);
    // No conversations stored here: the merged totals are rebuilt from none, and the sources are removed.
    expect(ids(await allTasks(db))).toEqual(['t|old']);
    await setOutcome(db, 't|old', 'done', 'shipped', NOON);
    expect(await getTask(db, 't|old')).toMatchObject({ outcome: 'done', note: 'shipped' });
    await expectConsistent(db);
  });

  it('lists the latest tasks newest first, reading whole days (a day may span several records)', async () => {
    const db = freshDb();
    // Today's tasks fill two records, by id; the newest have the lowest ids, so they are in the record read last.
    const many = Array.from({ length: TASKS.maxRows + 20 }, (_, i) =>
      task(`t|${String(i).padStart(4, '0')}`, NOON - i * 1000),
    );
    await putTasks(db, [...many, task('t|older', NOON - DAY), task('t|oldest', NOON - 9 * DAY)]);
    expect(await bundleTable(db, TASKS).count()).toBe(4); // two records of today, one each of the others
    const latest = await latestTasks(db, 3);
    expect(latest.map((t) => t.id)).toEqual(['t|0000', 't|0001', 't|0002']);
    const all = await latestTasks(db, 1000);
    expect(all).toHaveLength(many.length + 2);
    expect(all.at(-1)!.id).toBe('t|oldest');
  });

  it('retention deletes the tasks last active before the cutoff, rewriting only the day it cuts through', async () => {
    const db = freshDb();
    const cutoff = NOON - 10 * DAY;
    await putTasks(db, [
      task('t|year-ago', NOON - 365 * DAY),
      task('t|before', cutoff - 1000),
      task('t|after', cutoff + 1000),
      task('t|today', NOON),
    ]);
    const deleted = await deleteTasksActiveBefore(db, cutoff, dayOf(cutoff));
    expect(deleted.sort()).toEqual(['t|before', 't|year-ago']);
    expect(ids(await allTasks(db))).toEqual(['t|after', 't|today']);
    expect(await deleteTasksActiveBefore(db, cutoff, addDays(dayOf(cutoff), 0))).toEqual([]);
    await expectConsistent(db);
  });
});
