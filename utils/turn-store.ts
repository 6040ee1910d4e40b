/**
 * Where turns live: not one IndexedDB record per turn but one per day and site (`TurnBundle`), holding that
 * day's turns of that site (up to BUNDLE_ROWS; a busier day and site gets several).
 *
 * Why: Chromium's IndexedDB costs about 80–190 µs per record written on the machines we measure, whatever
 * the record's size. A heavy year (73,000 turns) took ~14 s to write as rows and ~0.3 s as bundles, which is
 * what makes importing a year of history practical (docs/storage.md has the figures). Ingest pays a little
 * instead: a new turn rewrites its bundle (at most BUNDLE_ROWS turns), once per delivery batch.
 *
 * A turn keeps the day of its first sighting for ever (ingest never moves it), so its bundle never changes;
 * the writer still handles a turn that arrives with another day (an import of an edited file) by moving it.
 * Every function here works inside the caller's Dexie transaction when there is one (it must include
 * `turnBundles`), so a delivery's turns, rollups and tasks still commit together.
 */
import type Dexie from 'dexie';
import type { Table } from 'dexie';
import type { Turn, TurnBundle } from './records';

export const TURN_BUNDLES = 'turnBundles';

/**
 * The most turns one record holds. A heavy day on one site (an agent making thousands of calls) spreads over
 * several records, so storing a new turn never rewrites more than this many.
 */
export const BUNDLE_ROWS = 500;

/** The day and site a turn is stored under. Days sort first, so a range of days is a range of keys. */
export const bundleGroupOf = (t: Pick<Turn, 'day' | 'site'>): string => `${t.day}|${t.site}`;
/** A bundle's key: its day and site, then its place among that day's and site's bundles. */
const bundleKey = (group: string, seq: number) => `${group}|${String(seq).padStart(4, '0')}`;
export const groupOfKey = (key: string): string => key.slice(0, key.lastIndexOf('|'));
const seqOfKey = (key: string): number => Number(key.slice(key.lastIndexOf('|') + 1));

/** The key range of the bundles of days `from`..`to` (inclusive). `|` sorts after every day's digits. */
const dayKeys = (from: string, to: string): [string, string] => [`${from}|`, `${to}|\uffff`];

export const turnBundles = (db: Dexie): Table<TurnBundle, string> => db.table<TurnBundle, string>(TURN_BUNDLES);

/** A bundle of these rows (in id order, so the stored record does not depend on arrival order). */
export function makeBundle(key: string, rows: Iterable<Turn>): TurnBundle {
  const sorted = [...rows].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const conversations = new Set<string>();
  for (const r of sorted) if (r.conversationId !== undefined) conversations.add(r.conversationId);
  return { key, ids: sorted.map((r) => r.id), conversationIds: [...conversations].sort(), rows: sorted };
}

/** Turns grouped into their bundles (for a write into an empty store: import, upgrade, seeding). */
export function bundleTurns(rows: Iterable<Turn>): TurnBundle[] {
  const groups = new Map<string, Map<string, Turn>>();
  for (const r of rows) {
    const group = bundleGroupOf(r);
    const g = groups.get(group) ?? groups.set(group, new Map()).get(group)!;
    g.set(r.id, r); // the same id twice: the later row wins, as a put would
  }
  return [...groups].flatMap(([group, g]) => {
    const sorted = makeBundle('', g.values()).rows;
    const out: TurnBundle[] = [];
    for (let i = 0; i < sorted.length; i += BUNDLE_ROWS) {
      out.push(makeBundle(bundleKey(group, i / BUNDLE_ROWS), sorted.slice(i, i + BUNDLE_ROWS)));
    }
    return out;
  });
}

const flatten = (bundles: readonly TurnBundle[]): Turn[] => bundles.flatMap((b) => b.rows);

/** Ids asked for per query: IndexedDB's anyOf over many keys is slower than a few smaller ones. */
const ANY_OF_CHUNK = 500;

/**
 * The bundles whose `index` holds any of `values`, each once. The index is read for keys only: a bundle matches
 * once per turn it holds, and reading its value for every match would deserialise it hundreds of times.
 */
async function bundlesWithIds(
  db: Dexie,
  index: 'ids' | 'conversationIds',
  values: readonly string[],
  skip: ReadonlySet<string> = new Set(),
): Promise<TurnBundle[]> {
  const keys = new Set<string>();
  for (let i = 0; i < values.length; i += ANY_OF_CHUNK) {
    const chunk = values.slice(i, i + ANY_OF_CHUNK);
    for (const k of await turnBundles(db).where(index).anyOf(chunk).primaryKeys()) if (!skip.has(k)) keys.add(k);
  }
  const found = await turnBundles(db).bulkGet([...keys]);
  return found.filter((b): b is TurnBundle => b !== undefined);
}

export async function getTurn(db: Dexie, id: string): Promise<Turn | undefined> {
  const b = await turnBundles(db).where('ids').equals(id).first();
  return b?.rows.find((r) => r.id === id);
}

/** The stored turns among `ids`, by id. */
export async function getTurns(db: Dexie, ids: readonly string[]): Promise<Map<string, Turn>> {
  const wanted = new Set(ids);
  const out = new Map<string, Turn>();
  for (const b of await bundlesWithIds(db, 'ids', ids)) for (const r of b.rows) if (wanted.has(r.id)) out.set(r.id, r);
  return out;
}

/** Turns of the local days `from`..`to` (inclusive), day by day. */
export async function turnsInDays(db: Dexie, from: string, to: string): Promise<Turn[]> {
  const [lo, hi] = dayKeys(from, to);
  return flatten(await turnBundles(db).where(':id').between(lo, hi, true, true).toArray());
}

/** The turns of these conversations. */
export async function turnsOfConversations(db: Dexie, conversationIds: readonly string[]): Promise<Turn[]> {
  if (conversationIds.length === 0) return [];
  const wanted = new Set(conversationIds);
  return flatten(await bundlesWithIds(db, 'conversationIds', conversationIds)).filter(
    (r) => r.conversationId !== undefined && wanted.has(r.conversationId),
  );
}

export async function allTurns(db: Dexie): Promise<Turn[]> {
  return flatten(await turnBundles(db).toArray());
}

/** How many turns are stored: the entries of the `ids` index, without reading a single bundle. */
export async function countTurns(db: Dexie): Promise<number> {
  return turnBundles(db).orderBy('ids').count();
}

/** The first and last day with a turn, or undefined when there is none. */
export async function turnDaySpan(db: Dexie): Promise<{ first: string; last: string } | undefined> {
  const [first, last] = await Promise.all([
    turnBundles(db).orderBy(':id').first(),
    turnBundles(db).orderBy(':id').last(),
  ]);
  return first && last ? { first: first.rows[0]!.day, last: last.rows[0]!.day } : undefined;
}

/**
 * Changes to turns within one transaction. `load()` reads every bundle the changes touch up front; `get`, `put`
 * and `delete` then work in memory (synchronously: a long run of awaits without an IndexedDB request in
 * between would lose Dexie's transaction zone), and `flush()` writes each touched bundle once.
 */
export class TurnWriter {
  /** Loaded bundles by key (empty for a bundle not written yet): their rows by id. */
  private readonly bundles = new Map<string, Map<string, Turn>>();
  /** Bundle key of every loaded turn. */
  private readonly keyOfId = new Map<string, string>();
  /** Ids looked up by `load`: a looked-up id with no key is not stored. */
  private readonly lookedUp = new Set<string>();
  /** Per day and site loaded, the bundle new turns go to: its last one. */
  private readonly open = new Map<string, string>();
  private readonly dirty = new Set<string>();

  constructor(private readonly db: Dexie) {}

  private adopt(b: TurnBundle): void {
    if (this.bundles.has(b.key)) return;
    this.bundles.set(b.key, new Map(b.rows.map((r) => [r.id, r])));
    for (const r of b.rows) this.keyOfId.set(r.id, b.key);
  }

  /** Reads the bundles holding any of `ids`, and the last bundle of each day and site in `groups`. */
  async load(ids: readonly string[], groups: readonly string[] = []): Promise<void> {
    const unknownIds = ids.filter((id) => !this.lookedUp.has(id));
    for (const b of await bundlesWithIds(this.db, 'ids', unknownIds, new Set(this.bundles.keys()))) this.adopt(b);
    for (const id of unknownIds) this.lookedUp.add(id);
    for (const group of new Set(groups)) {
      if (this.open.has(group)) continue;
      const last = await turnBundles(this.db).where(':id').between(`${group}|`, `${group}|\uffff`).last();
      if (last) this.adopt(last);
      const key = last?.key ?? bundleKey(group, 0);
      if (!this.bundles.has(key)) this.bundles.set(key, new Map());
      this.open.set(group, key);
    }
  }

  /** The stored (or already put) turn with this id; its id must have been loaded. */
  get(id: string): Turn | undefined {
    const key = this.keyOfId.get(id);
    if (key !== undefined) return this.bundles.get(key)!.get(id);
    if (!this.lookedUp.has(id)) throw new Error(`TurnWriter: turn ${id} was not loaded`);
    return undefined;
  }

  /**
   * Adds or replaces a turn (by id). A replaced turn stays in its bundle unless its day or site changed; a new
   * (or moved) one joins the last bundle of its day and site, or starts the next when that one is full.
   */
  put(turn: Turn): void {
    const group = bundleGroupOf(turn);
    const was = this.get(turn.id) !== undefined ? this.keyOfId.get(turn.id)! : undefined;
    if (was !== undefined && groupOfKey(was) === group) {
      this.bundles.get(was)!.set(turn.id, turn);
      this.dirty.add(was);
      return;
    }
    let key = this.open.get(group);
    if (key === undefined) throw new Error(`TurnWriter: the bundles of ${group} were not loaded`);
    if (this.bundles.get(key)!.size >= BUNDLE_ROWS) {
      key = bundleKey(group, seqOfKey(key) + 1);
      this.bundles.set(key, new Map());
      this.open.set(group, key);
    }
    if (was !== undefined) {
      this.bundles.get(was)!.delete(turn.id);
      this.dirty.add(was);
    }
    this.bundles.get(key)!.set(turn.id, turn);
    this.keyOfId.set(turn.id, key);
    this.dirty.add(key);
  }

  /** Deletes turns by id (loaded ones); returns how many there were. */
  delete(ids: readonly string[]): number {
    let n = 0;
    for (const id of ids) {
      if (this.get(id) === undefined) continue;
      const key = this.keyOfId.get(id)!;
      this.bundles.get(key)!.delete(id);
      this.keyOfId.delete(id);
      this.dirty.add(key);
      n++;
    }
    return n;
  }

  /** Writes every bundle changed since the last flush; an emptied bundle is deleted. */
  async flush(): Promise<void> {
    const puts: TurnBundle[] = [];
    const deletes: string[] = [];
    for (const key of this.dirty) {
      const rows = this.bundles.get(key)!;
      if (rows.size === 0) deletes.push(key);
      else puts.push(makeBundle(key, rows.values()));
    }
    this.dirty.clear();
    if (puts.length) await turnBundles(this.db).bulkPut(puts);
    if (deletes.length) await turnBundles(this.db).bulkDelete(deletes);
  }
}

/** Adds or replaces these turns (by id) in one go. */
export async function putTurns(db: Dexie, rows: readonly Turn[]): Promise<void> {
  if (rows.length === 0) return;
  // Nothing stored yet (a restore into an empty history, a first upgrade): no lookups, bundles written straight.
  if ((await turnBundles(db).count()) === 0) {
    await turnBundles(db).bulkPut(bundleTurns(rows));
    return;
  }
  const w = new TurnWriter(db);
  await w.load(
    rows.map((r) => r.id),
    rows.map(bundleGroupOf),
  );
  for (const r of rows) w.put(r);
  await w.flush();
}

/** Deletes these turns (by id); returns how many were stored. */
export async function deleteTurns(db: Dexie, ids: readonly string[]): Promise<number> {
  const w = new TurnWriter(db);
  await w.load(ids);
  const n = w.delete(ids);
  await w.flush();
  return n;
}

/** Deletes every turn of these conversations (retention: a task deleted whole); returns their ids. */
export async function deleteTurnsOfConversations(db: Dexie, conversationIds: readonly string[]): Promise<string[]> {
  const wanted = new Set(conversationIds);
  const deleted: string[] = [];
  const puts: TurnBundle[] = [];
  const deletes: string[] = [];
  for (const b of await bundlesWithIds(db, 'conversationIds', conversationIds)) {
    const keep: Turn[] = [];
    for (const r of b.rows) {
      if (r.conversationId !== undefined && wanted.has(r.conversationId)) deleted.push(r.id);
      else keep.push(r);
    }
    if (keep.length === 0) deletes.push(b.key);
    else if (keep.length < b.rows.length) puts.push(makeBundle(b.key, keep));
  }
  if (puts.length) await turnBundles(db).bulkPut(puts);
  if (deletes.length) await turnBundles(db).bulkDelete(deletes);
  return deleted;
}
