/**
 * What the user does with tasks: mark an outcome, rename, merge, move a conversation, start and end a task
 * of their own. Each is one Dexie transaction, idempotent (doing it twice changes nothing more), and keeps
 * every total equal to the sum of the turns beneath it.
 */
import type { TokenwiseDB } from '@/utils/db';
import { dayOf } from '@/utils/day';
import type { Conversation, Outcome, Task } from '@/utils/records';
import { emptyRollup } from '@/utils/task-rollups';
import { applyRollup, autoTaskId, newAutoTask } from '@/utils/task-rollups';
import { ConversationWriter, ofTasks } from '@/utils/conversation-store';
import { openManualTask, TaskWriter } from '@/utils/task-store';

/** The manual task new conversations join, if the user has one running. */
export const activeManualTask = (db: TokenwiseDB): Promise<Task | undefined> => openManualTask(db);

export class TaskError extends Error {}

function mustGet(tasks: TaskWriter, id: string): Task {
  const t = tasks.get(id);
  if (!t) throw new TaskError(`no task ${id}`);
  return t;
}

/** A writer with these tasks loaded, and the day groups of `days` (where a task that moves or starts goes). */
async function loadTasks(db: TokenwiseDB, ids: readonly string[], days: readonly string[] = []): Promise<TaskWriter> {
  const tasks = new TaskWriter(db);
  await tasks.load(ids, days);
  return tasks;
}

export async function setOutcome(
  db: TokenwiseDB,
  taskId: string,
  outcome: Outcome | null,
  note: string | undefined,
  now = Date.now(),
): Promise<void> {
  await db.transaction('rw', db.taskBundles, async () => {
    const tasks = await loadTasks(db, [taskId]);
    const t = mustGet(tasks, taskId);
    const next: Task = { ...t };
    if (outcome === null) {
      delete next.outcome;
      delete next.outcomeAt;
      delete next.note;
    } else {
      // Same outcome again: keep the first time it was marked (re-marking is not new work).
      if (t.outcome !== outcome) next.outcomeAt = now;
      next.outcome = outcome;
      if (note !== undefined) {
        if (note.trim()) next.note = note.trim();
        else delete next.note;
      }
    }
    tasks.put(next);
    await tasks.flush();
  });
}

export async function renameTask(db: TokenwiseDB, taskId: string, title: string): Promise<void> {
  await db.transaction('rw', db.taskBundles, async () => {
    const tasks = await loadTasks(db, [taskId]);
    tasks.put({ ...mustGet(tasks, taskId), title: title.trim(), titleSource: 'user' });
    await tasks.flush();
  });
}

/** Recomputes a task's totals, dates and signals from its conversations (after a merge or a move). */
function rebuild(task: Task, conversations: readonly Conversation[]): Task {
  const next: Task = { ...task, ...emptyRollup(), conversations: conversations.length, signals: {} };
  let copied = 0;
  for (const c of conversations) {
    applyRollup(next, c, 1);
    next.createdAt = Math.min(next.createdAt, c.firstAt);
    if (c.lastAt > next.lastAt) next.lastAt = c.lastAt;
    copied += c.signals.copied ?? 0;
    if (c.signals.runStatus) next.signals.runStatus = c.signals.runStatus;
    if (c.signals.closedAt) next.signals.closedAt = Math.max(next.signals.closedAt ?? 0, c.signals.closedAt);
  }
  if (copied) next.signals.copied = copied;
  next.day = dayOf(next.lastAt);
  return next;
}

/** Moves every conversation of the `from` tasks into `into`, then removes the emptied tasks. */
export async function mergeTasks(db: TokenwiseDB, into: string, from: readonly string[]): Promise<void> {
  await db.transaction('rw', db.taskBundles, db.conversationBundles, async () => {
    const sources = from.filter((id) => id !== into);
    const tasks = await loadTasks(db, [into, ...sources]);
    const target = mustGet(tasks, into);
    for (const id of sources) mustGet(tasks, id);
    const conversations = new ConversationWriter(db);
    const moving = await conversations.loadWhere('taskIds', [into, ...sources], ofTasks);
    for (const c of moving) if (c.taskId !== into) conversations.put({ ...c, taskId: into });
    await conversations.flush();
    const merged = rebuild(target, conversations.loadedWhere([into], ofTasks));
    await tasks.load([], [merged.day]);
    tasks.put(merged);
    tasks.delete(sources);
    await tasks.flush();
  });
}

/**
 * Moves one conversation to another task, or (without `to`) out into a task of its own. A task left with no
 * conversation is removed, unless it is a manual task (the user's own, which may simply not have started).
 */
export async function moveConversation(db: TokenwiseDB, conversationId: string, to?: string): Promise<string> {
  return db.transaction('rw', db.taskBundles, db.conversationBundles, async () => {
    const conversations = new ConversationWriter(db);
    await conversations.load([conversationId]);
    const c = conversations.get(conversationId);
    if (!c) throw new TaskError(`no conversation ${conversationId}`);
    const tasks = await loadTasks(db, [c.taskId, to ?? autoTaskId(c.id)]);
    const old = tasks.get(c.taskId);
    let target: Task;
    if (to) target = mustGet(tasks, to);
    else {
      target = tasks.get(autoTaskId(c.id)) ?? {
        ...newAutoTask(c),
        ...(c.title ? { title: c.title, titleSource: 'page' } : {}),
      };
    }
    if (target.id === c.taskId) return target.id;
    await conversations.loadWhere('taskIds', [target.id, c.taskId], ofTasks);
    conversations.put({ ...c, taskId: target.id });
    await conversations.flush();
    const moved = rebuild(target, conversations.loadedWhere([target.id], ofTasks));
    // What becomes of the task it left: removed when emptied (a manual one stays), else its totals rebuilt.
    const left = old ? conversations.loadedWhere([old.id], ofTasks) : [];
    const removeOld = old !== undefined && left.length === 0 && old.kind !== 'manual';
    const rest = old && !removeOld ? rebuild(old, left) : undefined;
    await tasks.load([], [moved.day, ...(rest ? [rest.day] : [])]);
    tasks.put(moved);
    if (removeOld) tasks.delete([old.id]);
    if (rest) tasks.put(rest);
    await tasks.flush();
    return target.id;
  });
}

/** "I'm working on: …": ends any running manual task, then starts this one. */
export async function startTask(db: TokenwiseDB, title: string, now = Date.now()): Promise<string> {
  return db.transaction('rw', db.taskBundles, async () => {
    const running = await activeManualTask(db);
    const tasks = await loadTasks(db, running ? [running.id] : [], [dayOf(now)]);
    if (running) tasks.put({ ...running, endedAt: now });
    const task: Task = {
      id: `m|${now.toString(36)}`,
      kind: 'manual',
      title: title.trim(),
      titleSource: 'user',
      createdAt: now,
      lastAt: now,
      day: dayOf(now),
      conversations: 0,
      signals: {},
      ...emptyRollup(),
    };
    await tasks.load([task.id]);
    tasks.put(task);
    await tasks.flush();
    return task.id;
  });
}

export async function endTask(db: TokenwiseDB, now = Date.now()): Promise<void> {
  await db.transaction('rw', db.taskBundles, async () => {
    const running = await activeManualTask(db);
    if (!running) return;
    const tasks = await loadTasks(db, [running.id]);
    tasks.put({ ...running, endedAt: now });
    await tasks.flush();
  });
}

/** The user copied text on a page whose conversation has turns: a hint for "done". */
export async function recordCopy(db: TokenwiseDB, site: string, conv: string): Promise<boolean> {
  const id = `${site}|p:${conv}`;
  return db.transaction('rw', db.taskBundles, db.conversationBundles, async () => {
    const conversations = new ConversationWriter(db);
    await conversations.load([id]);
    const c = conversations.get(id);
    if (!c) return false;
    const copied = (c.signals.copied ?? 0) + 1;
    conversations.put({ ...c, signals: { ...c.signals, copied } });
    await conversations.flush();
    const tasks = await loadTasks(db, [c.taskId]);
    const t = tasks.get(c.taskId);
    if (t) tasks.put({ ...t, signals: { ...t.signals, copied: (t.signals.copied ?? 0) + 1 } });
    await tasks.flush();
    return true;
  });
}

/** The tab these conversations were open in was closed. */
export async function recordClosed(db: TokenwiseDB, conversationIds: readonly string[], now = Date.now()) {
  if (conversationIds.length === 0) return;
  await db.transaction('rw', db.taskBundles, db.conversationBundles, async () => {
    const conversations = new ConversationWriter(db);
    await conversations.load(conversationIds);
    const closed = conversationIds.flatMap((id) => conversations.get(id) ?? []);
    const tasks = await loadTasks(
      db,
      closed.map((c) => c.taskId),
    );
    for (const c of closed) {
      conversations.put({ ...c, signals: { ...c.signals, closedAt: now } });
      const t = tasks.get(c.taskId);
      if (t) tasks.put({ ...t, signals: { ...t.signals, closedAt: now } });
    }
    await conversations.flush();
    await tasks.flush();
  });
}
