/**
 * Dexie upgrade functions, one small named function per version that changes data (utils/db.ts lists the
 * versions in order). Each runs inside Dexie's upgrade transaction: if it throws, the upgrade is rolled
 * back and the database stays at its old version with every row.
 */
import type { Transaction } from 'dexie';
import type { Conversation, Task, Turn } from './records';
import { applyTurn, conversationIdOf, newAutoTask, newConversation, autoTaskId, rollupOf } from './task-rollups';
import { bundleTurns } from './turn-store';
import { bundleConversations } from './conversation-store';

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

/**
 * v5: every stored turn is copied, unchanged, into the bundle of its day and site (utils/turn-store.ts). The
 * rows table is dropped by v6, once this has run.
 */
export async function bundleStoredTurns(tx: Transaction): Promise<void> {
  const rows = await tx.table<Turn, string>('turns').toArray();
  await tx.table('turnBundles').bulkPut(bundleTurns(rows));
}

/**
 * v7: every stored conversation is copied, unchanged, into the bundle of the (UTC) day it started
 * (utils/conversation-store.ts). The rows table is dropped by v8, once this has run.
 */
export async function bundleStoredConversations(tx: Transaction): Promise<void> {
  const rows = await tx.table<Conversation, string>('conversations').toArray();
  await tx.table('conversationBundles').bulkPut(bundleConversations(rows));
}
