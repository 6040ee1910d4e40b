/**
 * Where conversations live: a record per day they started (UTC), holding up to 500 of them
 * (`ConversationBundle`; utils/bundle-store.ts says why). A conversation is found by its id, and a task's
 * conversations by the task's id, through the bundles' indexes.
 */
import type Dexie from 'dexie';
import type { Conversation, ConversationBundle } from './records';
import {
  allRows,
  BundleWriter,
  countRows,
  deleteRowsWhere,
  distinct,
  getRow,
  getRows,
  putRows,
  rowsWhere,
  type BundleKind,
} from './bundle-store';

export const CONVERSATION_BUNDLES = 'conversationBundles';

/** The UTC day a conversation started: the same whatever the time zone, so a conversation never moves with it. */
export const conversationGroupOf = (c: Pick<Conversation, 'firstAt'>): string =>
  new Date(c.firstAt).toISOString().slice(0, 10);

export const CONVERSATIONS: BundleKind<Conversation, ConversationBundle> = {
  table: CONVERSATION_BUNDLES,
  groupOf: conversationGroupOf,
  indexFields: (rows) => ({ taskIds: distinct(rows.map((r) => r.taskId)) }),
  maxRows: 500,
};

/** Keeps the conversations of the tasks asked for. */
export const ofTasks = (c: Conversation, taskIds: ReadonlySet<string>) => taskIds.has(c.taskId);

export const getConversation = (db: Dexie, id: string) => getRow(db, CONVERSATIONS, id);
/** The stored conversations among `ids`, by id. */
export const getConversations = (db: Dexie, ids: readonly string[]) => getRows(db, CONVERSATIONS, ids);
export const allConversations = (db: Dexie) => allRows(db, CONVERSATIONS);
export const countConversations = (db: Dexie) => countRows(db, CONVERSATIONS);
/** Adds or replaces these conversations (by id) in one go. */
export const putConversations = (db: Dexie, rows: readonly Conversation[]) => putRows(db, CONVERSATIONS, rows);

/** The conversations of these tasks. */
export const conversationsOfTasks = (db: Dexie, taskIds: readonly string[]): Promise<Conversation[]> =>
  rowsWhere(db, CONVERSATIONS, 'taskIds', taskIds, ofTasks);

/** Deletes every conversation of these tasks (retention); returns their ids. */
export const deleteConversationsOfTasks = (db: Dexie, taskIds: readonly string[]): Promise<string[]> =>
  deleteRowsWhere(db, CONVERSATIONS, 'taskIds', taskIds, ofTasks);

/** Changes to conversations within one transaction (BundleWriter): load, then get / put / delete, then flush. */
export class ConversationWriter extends BundleWriter<Conversation, ConversationBundle> {
  constructor(db: Dexie) {
    super(db, CONVERSATIONS);
  }
}
