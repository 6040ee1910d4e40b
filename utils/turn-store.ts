/**
 * Where turns live: not one IndexedDB record per turn but one per day (`TurnBundle`), holding that day's turns
 * of every site (up to BUNDLE_ROWS; a busier day gets several). utils/bundle-store.ts says why and how; this
 * names the turns' kind and the reads the views need. (Schemas v5–v10 kept a record per day and site: with a
 * few sites that was four times the records for the same calls, and reading or writing a year cost per record.)
 *
 * A turn keeps the day of its first sighting for ever (ingest never moves it), so its bundle never changes;
 * the writer still handles a turn that arrives with another day (an import of an edited file) by moving it.
 */
import type Dexie from 'dexie';
import type { Table } from 'dexie';
import type { Turn, TurnBundle } from './records';
import {
  allRows,
  bundleAll,
  BundleWriter,
  bundleTable,
  countRows,
  deleteRows,
  deleteRowsWhere,
  distinct,
  getRow,
  getRows,
  makeBundleOf,
  putRows,
  rowsInGroups,
  rowsWhere,
  type BundleKind,
} from './bundle-store';

export { groupOfKey } from './bundle-store';

export const TURN_BUNDLES = 'turnBundles';

/**
 * The most turns one record holds. A heavy day (an agent making thousands of calls) spreads over several
 * records, so storing a new turn never rewrites more than this many.
 */
export const BUNDLE_ROWS = 500;

/** The day a turn is stored under: a range of days is a range of keys. */
export const bundleGroupOf = (t: Pick<Turn, 'day'>): string => t.day;

export const TURNS: BundleKind<Turn, TurnBundle> = {
  table: TURN_BUNDLES,
  groupOf: bundleGroupOf,
  indexFields: (rows) => ({ conversationIds: distinct(rows.map((r) => r.conversationId)) }),
  maxRows: BUNDLE_ROWS,
};

const ofConversations = (r: Turn, ids: ReadonlySet<string>) =>
  r.conversationId !== undefined && ids.has(r.conversationId);

export const turnBundles = (db: Dexie): Table<TurnBundle, string> => bundleTable(db, TURNS);
export const makeBundle = (key: string, rows: Iterable<Turn>): TurnBundle => makeBundleOf(TURNS, key, rows);
/** Turns grouped into their bundles (for a write into an empty store: import, upgrade, seeding). */
export const bundleTurns = (rows: Iterable<Turn>): TurnBundle[] => bundleAll(TURNS, rows);
export const getTurn = (db: Dexie, id: string) => getRow(db, TURNS, id);
/** The stored turns among `ids`, by id. */
export const getTurns = (db: Dexie, ids: readonly string[]) => getRows(db, TURNS, ids);
export const allTurns = (db: Dexie) => allRows(db, TURNS);
/** How many turns are stored, without reading a single bundle. */
export const countTurns = (db: Dexie) => countRows(db, TURNS);
/** Adds or replaces these turns (by id) in one go. */
export const putTurns = (db: Dexie, rows: readonly Turn[]) => putRows(db, TURNS, rows);
/** Deletes these turns (by id); returns how many were stored. */
export const deleteTurns = (db: Dexie, ids: readonly string[]) => deleteRows(db, TURNS, ids);

/** Turns of the local days `from`..`to` (inclusive), day by day. */
export const turnsInDays = (db: Dexie, from: string, to: string): Promise<Turn[]> => rowsInGroups(db, TURNS, from, to);

/** The turns of these conversations. */
export const turnsOfConversations = (db: Dexie, conversationIds: readonly string[]): Promise<Turn[]> =>
  rowsWhere(db, TURNS, 'conversationIds', conversationIds, ofConversations);

/** Deletes every turn of these conversations (retention: a task deleted whole); returns their ids. */
export const deleteTurnsOfConversations = (db: Dexie, conversationIds: readonly string[]): Promise<string[]> =>
  deleteRowsWhere(db, TURNS, 'conversationIds', conversationIds, ofConversations);

/** The first and last day with a turn, or undefined when there is none. */
export async function turnDaySpan(db: Dexie): Promise<{ first: string; last: string } | undefined> {
  const [first, last] = await Promise.all([
    turnBundles(db).orderBy(':id').first(),
    turnBundles(db).orderBy(':id').last(),
  ]);
  return first && last ? { first: first.rows[0]!.day, last: last.rows[0]!.day } : undefined;
}

/** Changes to turns within one transaction (BundleWriter): load, then get / put / delete, then flush. */
export class TurnWriter extends BundleWriter<Turn, TurnBundle> {
  constructor(db: Dexie) {
    super(db, TURNS);
  }
}
