/**
 * Dexie upgrade functions, one small named function per version that changes data (utils/db.ts lists the
 * versions in order). Each runs inside Dexie's upgrade transaction: if it throws, the upgrade is rolled
 * back and the database stays at its old version with every row.
 */
import type { Transaction } from 'dexie';
import type { Conversation, Task, Turn, TurnBundle } from './records';
import { applyTurn, conversationIdOf, newAutoTask, newConversation, autoTaskId, rollupOf } from './task-rollups';
import { bundleAll, type Bundle, type BundleKind } from './bundle-store';
import { TURNS } from './turn-store';
import { CONVERSATIONS } from './conversation-store';
import { TASKS } from './task-store';

/**
 * v3: every stored turn joins a conversation and a task. Agent turns group by their run; chat turns from
 * before conversations were recorded group by site and day (the finest grouping the old rows allow). No
 * price was recorded then, so their tokens count as unpriced rather than being priced after the fact.
 */
export async function groupTurnsIntoTasks(tx: Transaction): Promise<void> {
  const conversations = new Map<string, Conversation>();
  const tasks = new Map<string, Task>();
  await tx
    .table<Turn, string>('turns')
    .toCollection()
    .modify((turn) => {
      const id = conversationIdOf(turn.site, turn);
      turn.conversationId = id;
      let c = conversations.get(id);
      if (!c) {
        c = newConversation(id, turn, autoTaskId(id));
        if (turn.runName) c.title = turn.runName;
        conversations.set(id, c);
      }
      c.firstAt = Math.min(c.firstAt, turn.at);
      c.lastAt = Math.max(c.lastAt, turn.at);
      if (turn.runStatus) c.signals.runStatus = turn.runStatus;
      applyTurn(c, turn, 1);
    });
  for (const c of conversations.values()) {
    const t = newAutoTask(c);
    if (c.title) {
      t.title = c.title;
      t.titleSource = 'run';
    }
    t.signals = { ...c.signals };
    tasks.set(t.id, { ...t, ...pickRollup(c) });
  }
  await tx.table('conversations').bulkPut([...conversations.values()]);
  await tx.table('tasks').bulkPut([...tasks.values()]);
}

const pickRollup = (c: Conversation) => rollupOf(c);

/** Copies every row of the table `from`, unchanged, into the bundles of `kind` (utils/bundle-store.ts). */
async function copyIntoBundles<T extends { id: string }, B extends Bundle<T>>(
  tx: Transaction,
  from: string,
  kind: BundleKind<T, B>,
): Promise<void> {
  const rows = await tx.table<T, string>(from).toArray();
  await tx.table(kind.table).bulkPut(bundleAll(kind, rows));
}

/** v5: every stored turn goes into the bundle of its day (of its day and site until v11). v6 drops the rows table. */
export const bundleStoredTurns = (tx: Transaction) => copyIntoBundles(tx, 'turns', TURNS);

/** v7: every stored conversation goes into the bundle of the (UTC) day it started. v8 drops the rows table. */
export const bundleStoredConversations = (tx: Transaction) => copyIntoBundles(tx, 'conversations', CONVERSATIONS);

/** v9: every stored task goes into the bundle of its day (of latest activity). v10 drops the rows table. */
export const bundleStoredTasks = (tx: Transaction) => copyIntoBundles(tx, 'tasks', TASKS);

/**
 * v11: the turns' records hold a whole day (of every site) instead of a day and site: the bundles are read and
 * written anew by day. Every turn is kept as it was.
 */
export async function regroupTurnsByDay(tx: Transaction): Promise<void> {
  const table = tx.table<TurnBundle, string>(TURNS.table);
  const rows = (await table.toArray()).flatMap((b) => b.rows);
  await table.clear();
  await table.bulkPut(bundleAll(TURNS, rows));
}
