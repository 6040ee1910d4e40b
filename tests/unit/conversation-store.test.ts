// Conversations stored a (UTC) start day to a record (utils/conversation-store.ts): found by id and by task,
// moved when an earlier turn makes them start on another day, and every bundle indexes exactly its rows' tasks.
import { describe, expect, it } from 'vitest';
import type { Conversation } from '@/utils/records';
import { emptyRollup } from '@/utils/task-rollups';
import { bundleTable, makeBundleOf } from '@/utils/bundle-store';
import {
  allConversations,
  conversationGroupOf,
  CONVERSATIONS,
  conversationsOfTasks,
  ConversationWriter,
  countConversations,
  deleteConversationsOfTasks,
  getConversation,
  getConversations,
  putConversations,
} from '@/utils/conversation-store';
import { freshDb } from './helpers';

const SITE = 'https://chat.example';
const at = (iso: string) => new Date(iso).getTime();

function conversation(id: string, taskId: string, firstAt: number): Conversation {
  return {
    ...emptyRollup(),
    id: `${SITE}|p:${id}`,
    site: SITE,
    kind: 'chat',
    taskId,
    firstAt,
    lastAt: firstAt + 60_000,
    signals: {},
  };
}

const ids = (rows: readonly Conversation[]) => rows.map((r) => r.id).sort();

async function expectConsistent(db: ReturnType<typeof freshDb>) {
  for (const b of await bundleTable(db, CONVERSATIONS).toArray()) {
    expect(b).toEqual(makeBundleOf(CONVERSATIONS, b.key, b.rows));
    for (const c of b.rows) expect(`${conversationGroupOf(c)}|0000`).toBe(b.key);
  }
}

/** Conversations a and c of task t1 on two days, b of task t2. */
async function threeConversations() {
  const db = freshDb();
  const rows = [
    conversation('a', 't1', at('2026-11-24T09:00:00Z')),
    conversation('b', 't2', at('2026-11-24T10:00:00Z')),
    conversation('c', 't1', at('2026-11-25T09:00:00Z')),
  ];
  await putConversations(db, rows);
  return { db, rows };
}

describe('conversation store', () => {
  it('groups by the UTC day a conversation started, whatever the local time zone', () => {
    expect(conversationGroupOf({ firstAt: at('2026-11-24T23:30:00Z') })).toBe('2026-11-24');
    expect(conversationGroupOf({ firstAt: at('2026-11-25T00:30:00Z') })).toBe('2026-11-25');
  });

  it("finds conversations by id and by task, and a task's conversations across days", async () => {
    const { db, rows } = await threeConversations();
    await expectConsistent(db);
    expect(await countConversations(db)).toBe(3);
    expect(await getConversation(db, rows[1]!.id)).toEqual(rows[1]);
    expect([...(await getConversations(db, [rows[0]!.id, 'nope'])).keys()]).toEqual([rows[0]!.id]);
    expect(ids(await conversationsOfTasks(db, ['t1']))).toEqual(ids([rows[0]!, rows[2]!]));
    expect(await conversationsOfTasks(db, [])).toEqual([]);
  });

  it('moves a conversation to the bundle of its new start day, and keeps the task index right', async () => {
    const db = freshDb();
    const c = conversation('a', 't1', at('2026-11-25T09:00:00Z'));
    await putConversations(db, [c, conversation('b', 't2', at('2026-11-25T10:00:00Z'))]);
    const earlier = { ...c, firstAt: at('2026-11-23T09:00:00Z'), taskId: 't3' };
    await db.transaction('rw', db.conversationBundles, async () => {
      const w = new ConversationWriter(db);
      await w.load([c.id], [conversationGroupOf(earlier)]);
      w.put(earlier);
      await w.flush();
    });
    await expectConsistent(db);
    expect(await bundleTable(db, CONVERSATIONS).toCollection().primaryKeys()).toEqual([
      '2026-11-23|0000',
      '2026-11-25|0000',
    ]);
    expect(await conversationsOfTasks(db, ['t1'])).toEqual([]);
    expect(await conversationsOfTasks(db, ['t3'])).toEqual([earlier]);
  });

  it("deletes a task's conversations and nothing else, and says which", async () => {
    const { db, rows } = await threeConversations();
    expect((await deleteConversationsOfTasks(db, ['t1'])).sort()).toEqual(ids([rows[0]!, rows[2]!]));
    expect(await allConversations(db)).toEqual([rows[1]]);
    expect(await bundleTable(db, CONVERSATIONS).count()).toBe(1);
    await expectConsistent(db);
  });
});
