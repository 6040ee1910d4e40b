/**
 * Retention: history older than the person's chosen number of days is deleted. A task is deleted whole
 * (with its conversations, turns and any stored text) once it was last active before the cut-off, so a
 * task's totals always equal the sum of its turns; a task still active keeps its older turns until it too
 * is old. Daily totals and stored texts go by their own day. Site health is kept (it is not history).
 */
import type { TokenwiseDB } from './db';
import { dayOf } from './day';
import { addDays } from './task-metrics';
import { deleteTurnsOfConversations } from './turn-store';
import { deleteConversationsOfTasks } from './conversation-store';
import { deleteTasksActiveBefore } from './task-store';

export interface PruneResult {
  /** The first day kept (`YYYY-MM-DD`), or null when history is kept forever. */
  keptFrom: string | null;
  tasks: number;
  conversations: number;
  turns: number;
  daily: number;
  texts: number;
}

/** The first calendar day kept when keeping `days` days, today included. */
export function firstKeptDay(days: number, now = Date.now()): string {
  return addDays(dayOf(now), -(days - 1));
}

/** Deletes what is older than `retentionDays` (null: keep forever, delete nothing) in one transaction. */
export async function pruneHistory(
  db: TokenwiseDB,
  retentionDays: number | null,
  now = Date.now(),
): Promise<PruneResult> {
  const none = { tasks: 0, conversations: 0, turns: 0, daily: 0, texts: 0 };
  if (retentionDays === null) return { keptFrom: null, ...none };
  const keptFrom = firstKeptDay(retentionDays, now);
  const cutoff = startOfDay(keptFrom);
  return db.transaction(
    'rw',
    [db.taskBundles, db.conversationBundles, db.turnBundles, db.daily, db.texts],
    async () => {
      const taskIds = await deleteTasksActiveBefore(db, cutoff, keptFrom);
      const convIds = await deleteConversationsOfTasks(db, taskIds);
      const turnIds = await deleteTurnsOfConversations(db, convIds);
      const daily = await db.daily.where('day').below(keptFrom).delete();
      // Texts go by day whatever their task: they are the most private thing stored.
      const textsOfTurns = turnIds.length === 0 ? 0 : await db.texts.where(':id').anyOf(turnIds).delete();
      const textsByDay = await db.texts.where('day').below(keptFrom).delete();
      return {
        keptFrom,
        tasks: taskIds.length,
        conversations: convIds.length,
        turns: turnIds.length,
        daily,
        texts: textsOfTurns + textsByDay,
      };
    },
  );
}

/** Local midnight at the start of a `YYYY-MM-DD` day. */
function startOfDay(day: string): number {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(y, m - 1, d).getTime();
}
