/**
 * The Dexie database. Only the background writes; extension pages read (same origin).
 * Every version stays here in order, each with a line saying what changed and why.
 */
import Dexie, { type EntityTable, type Transaction } from 'dexie';
import type { ConversationBundle, DailyTotal, SiteHealth, TaskBundle, TurnBundle, TurnText } from './records';
import {
  bundleStoredConversations,
  bundleStoredTasks,
  bundleStoredTurns,
  groupTurnsIntoTasks,
  regroupTurnsByDay,
} from './upgrades';
import { trackOpen } from './db-status';
import { DB_NAME } from './db-name';

/** The schema version this build opens (the last `db.version(n)` below). */
export const CURRENT_VERSION = 11;

/**
 * The upgrade functions the versions below run, by name. Production always uses `UPGRADERS`; tests pass a
 * throwing one to prove a failed upgrade leaves the database as it was (reliability test 14).
 */
export interface Upgraders {
  groupTurnsIntoTasks: (tx: Transaction) => Promise<void> | void;
  bundleStoredTurns: (tx: Transaction) => Promise<void> | void;
  bundleStoredConversations: (tx: Transaction) => Promise<void> | void;
  bundleStoredTasks: (tx: Transaction) => Promise<void> | void;
  regroupTurnsByDay: (tx: Transaction) => Promise<void> | void;
}
export const UPGRADERS: Upgraders = {
  groupTurnsIntoTasks,
  bundleStoredTurns,
  bundleStoredConversations,
  bundleStoredTasks,
  regroupTurnsByDay,
};

/**
 * Declares the schema versions 1..`upTo` on a Dexie instance. TokenwiseDB declares all of them; tests
 * declare an older prefix to create a database exactly as an earlier release left it (tests/fixtures/db).
 */
export function declareVersions(db: Dexie, upTo = CURRENT_VERSION, upgraders: Upgraders = UPGRADERS): void {
  // v1: turns keyed by <site>|<fact key> for idempotent upserts; per-day rollups; per-site health.
  db.version(1).stores({
    turns: 'id, [site+day], day, at',
    daily: 'id, day, site',
    health: 'site',
  });
  if (upTo < 2) return;
  // v2: index agent runs by day. Rows without a runId are left out of a compound index, so the popup's
  // "Agent runs" reads only run rows. Index only: no data changes, no upgrade function needed.
  db.version(2).stores({
    turns: 'id, [site+day], day, at, [day+runId]',
  });
  if (upTo < 3) return;
  // v3: tasks and outcomes. Conversations (a page address, or an agent run) belong to tasks and carry
  // their own totals; turns point at their conversation. Existing turns are grouped into tasks so no
  // history is left outside them.
  db.version(3)
    .stores({
      turns: 'id, [site+day], day, at, [day+runId], conversationId',
      conversations: 'id, taskId, [site+title], lastAt',
      tasks: 'id, day, lastAt, outcome, kind, [outcome+day]',
    })
    .upgrade((tx) => upgraders.groupTurnsIntoTasks(tx));
  if (upTo < 4) return;
  // v4: prompt and reply text, for sites where the person opted in, in a table of its own (by site, so
  // turning a site's text off deletes its texts; by day, for retention). New table: no upgrade function.
  db.version(4).stores({
    texts: 'id, site, day',
  });
  if (upTo < 5) return;
  // v5: turns stored a day (then: and site) to a record (utils/turn-store.ts: IndexedDB's cost is per record, and a
  // year of turns as rows took ~14 s to write). Every turn is copied into its bundle.
  db.version(5)
    .stores({
      turnBundles: 'key, *ids, *conversationIds',
    })
    .upgrade((tx) => upgraders.bundleStoredTurns(tx));
  if (upTo < 6) return;
  // v6: the turn rows v5 copied into bundles are dropped. (Dexie reads a table in an upgrade only if a later
  // version deletes it, hence two versions.)
  db.version(6).stores({
    turns: null,
  });
  if (upTo < 7) return;
  // v7: conversations stored a (UTC) start day to a record, for the same reason as turns in v5 (a heavy year
  // has ~20,000 of them). Every conversation is copied into its bundle.
  db.version(7)
    .stores({
      conversationBundles: 'key, *ids, *taskIds',
    })
    .upgrade((tx) => upgraders.bundleStoredConversations(tx));
  if (upTo < 8) return;
  // v8: the conversation rows v7 copied into bundles are dropped.
  db.version(8).stores({
    conversations: null,
  });
  if (upTo < 9) return;
  // v9: tasks stored a day of latest activity to a record (utils/task-store.ts): the popup read a week of tasks
  // through the `day` index, one lookup per task (~45 ms of its first render over a heavy year); a range of
  // day records is a few sequential reads. Every task is copied into its bundle.
  db.version(9)
    .stores({
      taskBundles: 'key, *ids, *openManualIds',
    })
    .upgrade((tx) => upgraders.bundleStoredTasks(tx));
  if (upTo < 10) return;
  // v10: the task rows v9 copied into bundles are dropped.
  db.version(10).stores({
    tasks: null,
  });
  if (upTo < 11) return;
  // v11: a turns record holds a day of every site, not a day of one site: four sites made four times the
  // records for the same calls, and exporting or importing a year cost per record (1.85 s to read the heavy
  // year's 1,460 turn records). Same store and indexes; the records are regrouped.
  db.version(11)
    .stores({})
    .upgrade((tx) => upgraders.regroupTurnsByDay(tx));
}

export interface TokenwiseDBOptions {
  /** Test-only: replaces upgrade functions (e.g. one that throws). */
  upgraders?: Partial<Upgraders>;
}

export class TokenwiseDB extends Dexie {
  turnBundles!: EntityTable<TurnBundle, 'key'>;
  daily!: EntityTable<DailyTotal, 'id'>;
  health!: EntityTable<SiteHealth, 'site'>;
  conversationBundles!: EntityTable<ConversationBundle, 'key'>;
  taskBundles!: EntityTable<TaskBundle, 'key'>;
  texts!: EntityTable<TurnText, 'id'>;

  constructor(name = DB_NAME, options: TokenwiseDBOptions = {}) {
    // Dexie's default `versionchange` handler closes this connection when a newer build (another context
    // after an update) upgrades or deletes the database, so our own pages never block it (tests/unit/db-open).
    super(name);
    declareVersions(this, CURRENT_VERSION, { ...UPGRADERS, ...options.upgraders });
  }
}

let instance: TokenwiseDB | undefined;

/**
 * The shared database of this extension context (opened lazily, so importing this module is free). Its
 * opening is watched (utils/db-status.ts) so pages can say when it is blocked or failed instead of staying
 * blank.
 */
export function getDb(): TokenwiseDB {
  if (!instance) {
    instance = new TokenwiseDB();
    trackOpen(instance);
  }
  return instance;
}

/** What a rescue read returns: the schema version the database is at and every row of every table. */
export interface RescuedData {
  version: number;
  tables: Record<string, unknown[]>;
}

/**
 * Opens a database as it is, without declaring any version (Dexie's dynamic mode reads the stored schema), so
 * nothing is upgraded. For export when opening with the current schema failed (a failed upgrade leaves the
 * database at its old version with every row): the person can still take their history with them.
 */
export async function openForRescue(name = DB_NAME): Promise<Dexie> {
  const db = new Dexie(name, { autoOpen: false });
  await db.open();
  return db;
}

/** Reads every row of every table of a database as it is (see openForRescue), then closes it. */
export async function readForRescue(name = DB_NAME): Promise<RescuedData> {
  const db = await openForRescue(name);
  try {
    const tables: Record<string, unknown[]> = {};
    for (const t of db.tables) tables[t.name] = await t.toArray();
    return { version: db.verno, tables };
  } finally {
    db.close();
  }
}
