/**
 * Where turns live: not one IndexedDB record per turn but one per day and site (`TurnBundle`), holding that
 * day's turns of that site.
 *
 * Why: Chromium's IndexedDB costs about 80–190 µs per record written on the machines we measure, whatever
 * the record's size. A heavy year (73,000 turns) took ~14 s to write as rows and ~0.3 s as ~1,800 bundles,
 * which is what makes importing a year of history practical (docs/storage.md has the figures). Ingest pays a
 * little instead: a new turn rewrites its bundle (a few dozen turns), once per delivery batch.
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

/** The bundle a turn is stored in. Days sort first, so a range of days is a range of keys. */
export const bundleKeyOf = (t: Pick<Turn, 'day' | 'site'>): string => `${t.day}|${t.site}`;

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
    const key = bundleKeyOf(r);
    const g = groups.get(key) ?? groups.set(key, new Map()).get(key)!;
    g.set(r.id, r); // the same id twice: the later row wins, as a put would
  }
  return [...groups].map(([key, g]) => makeBundle(key, g.values()));
}

const flatten = (bundles: readonly TurnBundle[]): Turn[] => bundles.flatMap((b) => b.rows);

/** IndexedDB's anyOf over many keys is slower than a few smaller ones; also keeps each request small. */
const ANY_OF_CHUNK = 500;

async function bundlesWithIds(db: Dexie, index: 'ids' | 'conversationIds', ids: readonly string[]) {
  const found = new Map<string, TurnBundle>();
  for (let i = 0; i < ids.length; i += ANY_OF_CHUNK) {
    const chunk = ids.slice(i, i + ANY_OF_CHUNK);
    for (const b of await turnBundles(db).where(index).anyOf(chunk).toArray()) found.set(b.key, b);
  }
  return [...found.values()];
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
  /** Loaded bundles by key (empty for a key with no bundle yet): their rows by id. */
  private readonly bundles = new Map<string, Map<string, Turn>>();
  /** Bundle key of every loaded turn. */
  private readonly keyOfId = new Map<string, string>();
  /** Ids looked up by `load`: a looked-up id with no key is not stored. */
  private readonly lookedUp = new Set<string>();
  private readonly dirty = new Set<string>();

  constructor(private readonly db: Dexie) {}

  private adopt(b: TurnBundle): void {
    if (this.bundles.has(b.key)) return;
    this.bundles.set(b.key, new Map(b.rows.map((r) => [r.id, r])));
    for (const r of b.rows) this.keyOfId.set(r.id, b.key);
  }

  /** Reads the bundles holding any of `ids`, and the bundles `keys` (where new turns will go). */
  async load(ids: readonly string[], keys: readonly string[] = []): Promise<void> {
    const unknownIds = ids.filter((id) => !this.lookedUp.has(id));
    for (const b of await bundlesWithIds(this.db, 'ids', unknownIds)) this.adopt(b);
    for (const id of unknownIds) this.lookedUp.add(id);
    const unknownKeys = [...new Set(keys)].filter((k) => !this.bundles.has(k));
    const found = await turnBundles(this.db).bulkGet(unknownKeys);
    unknownKeys.forEach((key, i) => {
      const b = found[i];
      if (b) this.adopt(b);
      else this.bundles.set(key, new Map());
    });
  }

  /** The stored (or already put) turn with this id; its id must have been loaded. */
  get(id: string): Turn | undefined {
    const key = this.keyOfId.get(id);
    if (key !== undefined) return this.bundles.get(key)!.get(id);
    if (!this.lookedUp.has(id)) throw new Error(`TurnWriter: turn ${id} was not loaded`);
    return undefined;
  }

  /** Adds or replaces a turn (by id), moving it if it now belongs to another bundle. Both must be loaded. */
  put(turn: Turn): void {
    const key = bundleKeyOf(turn);
    const rows = this.bundles.get(key);
    if (!rows) throw new Error(`TurnWriter: bundle ${key} was not loaded`);
    const was = this.get(turn.id) !== undefined ? this.keyOfId.get(turn.id)! : undefined;
    if (was !== undefined && was !== key) {
      this.bundles.get(was)!.delete(turn.id);
      this.dirty.add(was);
    }
    rows.set(turn.id, turn);
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
    rows.map(bundleKeyOf),
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
