// The dashboard's reads over a real (fake-indexeddb) database: each reads only what its view needs.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  loadEarlierTrendTasks,
  loadOverview,
  loadRunningTask,
  loadTaskDetail,
  trendFrom,
} from '@/entrypoints/dashboard/dashboard-data';
import { rangeOf, type RangeId } from '@/entrypoints/dashboard/ranges';
import type { TokenwiseDB } from '@/utils/db';
import { type Conversation } from '@/utils/records';
import { emptyRollup } from '@/utils/task-rollups';
import { addDays } from '@/utils/task-metrics';
import { freshDb } from '../helpers';
import { daily, HOUR, NOW, task, turn } from './fixtures';
import { putTurns } from '@/utils/turn-store';
import { putConversations } from '@/utils/conversation-store';
import { putTasks } from '@/utils/task-store';

let db: TokenwiseDB;
beforeEach(() => {
  db = freshDb();
});
afterEach(() => db.close());

const TODAY = '2026-11-25';
const days = (from: string, n: number) => Array.from({ length: n }, (_, i) => addDays(from, i));

describe('loadOverview and loadEarlierTrendTasks', () => {
  beforeEach(async () => {
    // One task a day for 120 days up to today, and a daily row for each.
    const all = days(addDays(TODAY, -119), 120);
    await putTasks(
      db,
      all.map((day) => task({ id: `t|${day}`, day, outcome: 'done' })),
    );
    await db.daily.bulkPut(all.map((day) => daily(day, 'exact', 10)));
  });

  it.each<[RangeId, number]>([
    ['today', 1],
    ['week', 3], // Monday 23 to Wednesday 25 November
    ['30d', 30],
    ['90d', 90],
  ])('%s reads the range’s tasks and daily rows only', async (id, n) => {
    const data = await loadOverview(db, id, NOW);
    expect(data.range).toEqual(rangeOf(id, NOW));
    expect(data.tasks).toHaveLength(n);
    expect(data.daily).toHaveLength(n);
  });

  it.each<RangeId>(['today', 'week', '30d', '90d', 'year'])(
    '%s: with the earlier read, the trend sees every day of its weeks exactly once',
    async (id) => {
      const { range, tasks } = await loadOverview(db, id, NOW);
      const earlier = await loadEarlierTrendTasks(db, range);
      const seen = [...earlier, ...tasks].map((t) => t.day).filter((d) => d >= trendFrom(TODAY));
      expect(new Set(seen).size).toBe(seen.length); // no overlap
      expect([...seen].sort()).toEqual(days(trendFrom(TODAY), seen.length)); // no gap
      expect(seen[seen.length - 1] ?? TODAY).toBe(TODAY);
    },
  );

  it('reads nothing earlier when the range already covers the trend’s weeks', async () => {
    expect(await loadEarlierTrendTasks(db, rangeOf('90d', NOW))).toEqual([]);
  });
});

describe('loadRunningTask', () => {
  it('is the manual task not yet ended, or null', async () => {
    expect(await loadRunningTask(db)).toBeNull();
    await putTasks(db, [
      task({ id: 'm|old', kind: 'manual', endedAt: NOW - HOUR }),
      task({ id: 't|chat', kind: 'chat' }),
    ]);
    expect(await loadRunningTask(db)).toBeNull();
    await putTasks(db, [task({ id: 'm|now', kind: 'manual', title: 'Quarterly report' })]);
    expect((await loadRunningTask(db))?.id).toBe('m|now');
  });
});

describe('loadTaskDetail', () => {
  const conversation = (id: string, taskId: string, firstAt: number): Conversation => ({
    ...emptyRollup(),
    id,
    site: 'https://chat.acme.example',
    kind: 'chat',
    taskId,
    firstAt,
    lastAt: firstAt,
    signals: {},
  });

  it('gathers the task’s conversations and their turns in time order; other tasks are move targets', async () => {
    await putTasks(db, [
      task({ id: 't|a', lastAt: NOW - HOUR }),
      task({ id: 't|b', lastAt: NOW }),
      task({ id: 't|c', lastAt: NOW - 2 * HOUR }),
    ]);
    await putConversations(db, [
      conversation('c2', 't|a', NOW - 2 * HOUR),
      conversation('c1', 't|a', NOW - 3 * HOUR),
      conversation('c3', 't|b', NOW),
    ]);
    await putTurns(db, [
      turn({ id: 'x2', conversationId: 'c2', at: NOW - 2 * HOUR }),
      turn({ id: 'x1', conversationId: 'c1', at: NOW - 3 * HOUR }),
      turn({ id: 'x3', conversationId: 'c1', at: NOW - 2.5 * HOUR }),
      turn({ id: 'y', conversationId: 'c3', at: NOW }),
    ]);
    const d = await loadTaskDetail(db, 't|a');
    expect(d.task?.id).toBe('t|a');
    expect(d.conversations.map((c) => c.id)).toEqual(['c1', 'c2']);
    expect(d.turns.map((t) => t.id)).toEqual(['x1', 'x3', 'x2']);
    expect(d.recent.map((t) => t.id)).toEqual(['t|b', 't|c']);
  });

  it('says null for a task that is gone, without failing', async () => {
    const d = await loadTaskDetail(db, 't|merged-away');
    expect(d).toMatchObject({ task: null, conversations: [], turns: [] });
  });
});
