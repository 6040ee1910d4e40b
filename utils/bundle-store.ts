/**
 * Rows stored many to an IndexedDB record ("bundles"), for the tables that grow with history.
 *
 * Why: Chromium's IndexedDB costs about 80–280 µs per record written on the machines we measure, whatever the
 * record's size and nearly whatever its indexes; a year of heavy history is ~130,000 rows, which took ~30 s to
 * import as rows (docs/storage.md has the figures). Bundled, the same rows are a few thousand records.
 *
 * A kind of row says how it is grouped (`groupOf`: rows of a group share bundles, keyed `<group>|<n>`, at most
 * `maxRows` each) and which values its bundles index besides the rows' ids. Every bundle keeps its rows in id
 * order, so the stored record does not depend on the order things happened in. Everything here works inside the
 * caller's Dexie transaction when there is one (it must include the kind's table).
 */
import type Dexie from 'dexie';
import type { Table } from 'dexie';

/** Many rows of one kind in one record: `ids` is indexed (multiEntry), so a row is found by its id. */
export interface Bundle<T> {
  key: string;
  ids: string[];
  rows: T[];
}

/** How one kind of row is bundled. */
export interface BundleKind<T extends { id: string }, B extends Bundle<T>> {
  /** The Dexie table of its bundles (`key, *ids` and the kind's own multiEntry indexes). */
  table: string;
  /** The group a row is stored under. Keys sort by group, so a range of groups is a range of keys. */
  groupOf(row: T): string;
  /** The bundle's other indexed fields, from its rows. */
  indexFields(rows: readonly T[]): Omit<B, keyof Bundle<T>>;
  /** The most rows one bundle holds: adding a row never rewrites more than this many. */
  maxRows: number;
}

type AnyKind<T extends { id: string }, B extends Bundle<T>> = BundleKind<T, B>;

const bundleKey = (group: string, seq: number) => `${group}|${String(seq).padStart(4, '0')}`;
/** The group of a bundle's key. Groups never contain `|` after their last part (origins cannot). */
export const groupOfKey = (key: string): string => key.slice(0, key.lastIndexOf('|'));
const seqOfKey = (key: string): number => Number(key.slice(key.lastIndexOf('|') + 1));
/** The key range of every bundle of the groups `from`..`to` (inclusive); `|` sorts after a group's last char. */
export const groupKeys = (from: string, to: string): [string, string] => [`${from}|`, `${to}|\uffff`];

export const bundleTable = <T extends { id: string }, B extends Bundle<T>>(db: Dexie, kind: AnyKind<T, B>) =>
  db.table<B, string>(kind.table) as Table<B, string>;

const byId = <T extends { id: string }>(a: T, b: T) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** Sorted distinct values, leaving out undefined: a bundle's index field. */
export function distinct(values: Iterable<string | undefined>): string[] {
  const set = new Set<string>();
  for (const v of values) if (v !== undefined) set.add(v);
  return [...set].sort();
}

/** A bundle of these rows, in id order. */
export function makeBundleOf<T extends { id: string }, B extends Bundle<T>>(
  kind: AnyKind<T, B>,
  key: string,
  rows: Iterable<T>,
): B {
  const sorted = [...rows].sort(byId);
  return { key, ids: sorted.map((r) => r.id), ...kind.indexFields(sorted), rows: sorted } as unknown as B;
}

/** Rows grouped into full bundles (for a write into an empty table: import, upgrade, seeding). */
export function bundleAll<T extends { id: string }, B extends Bundle<T>>(kind: AnyKind<T, B>, rows: Iterable<T>): B[] {
  const groups = new Map<string, Map<string, T>>();
  for (const r of rows) {
    const group = kind.groupOf(r);
    const g = groups.get(group) ?? groups.set(group, new Map()).get(group)!;
    g.set(r.id, r); // the same id twice: the later row wins, as a put would
  }
  return [...groups].flatMap(([group, g]) => {
    const sorted = [...g.values()].sort(byId);
    const out: B[] = [];
    for (let i = 0; i < sorted.length; i += kind.maxRows) {
      out.push(makeBundleOf(kind, bundleKey(group, i / kind.maxRows), sorted.slice(i, i + kind.maxRows)));
    }
    return out;
  });
}

/** Values asked for per query: IndexedDB's anyOf over many keys is slower than a few smaller ones. */
const ANY_OF_CHUNK = 500;

/**
 * The bundles whose multiEntry `index` holds any of `values`, each once. The index is read for keys only: a
 * bundle matches once per row it holds, and reading its value for every match would deserialise it hundreds of
 * times.
 */
export async function bundlesWhere<T extends { id: string }, B extends Bundle<T>>(
  db: Dexie,
  kind: AnyKind<T, B>,
  index: string,
  values: readonly string[],
  skip: ReadonlySet<string> = new Set(),
): Promise<B[]> {
  const keys = new Set<string>();
  for (let i = 0; i < values.length; i += ANY_OF_CHUNK) {
    const chunk = values.slice(i, i + ANY_OF_CHUNK);
    const found = await bundleTable(db, kind).where(index).anyOf(chunk).primaryKeys();
    for (const k of found) if (!skip.has(k)) keys.add(k);
  }
  const bundles = await bundleTable(db, kind).bulkGet([...keys]);
  return bundles.filter((b): b is B => b !== undefined);
}

export async function getRow<T extends { id: string }, B extends Bundle<T>>(
  db: Dexie,
  kind: AnyKind<T, B>,
  id: string,
): Promise<T | undefined> {
  const b = await bundleTable(db, kind).where('ids').equals(id).first();
  return b?.rows.find((r) => r.id === id);
}

/** The rows of the bundles whose `index` holds any of `values`, kept by `has` (the rows that hold the value). */
export async function rowsWhere<T extends { id: string }, B extends Bundle<T>>(
  db: Dexie,
  kind: AnyKind<T, B>,
  index: string,
  values: readonly string[],
  has: (row: T, values: ReadonlySet<string>) => boolean,
): Promise<T[]> {
  if (values.length === 0) return [];
  const wanted = new Set(values);
  return (await bundlesWhere(db, kind, index, values)).flatMap((b) => b.rows.filter((r) => has(r, wanted)));
}

/** The stored rows among `ids`, by id. */
export async function getRows<T extends { id: string }, B extends Bundle<T>>(
  db: Dexie,
  kind: AnyKind<T, B>,
  ids: readonly string[],
): Promise<Map<string, T>> {
  const rows = await rowsWhere(db, kind, 'ids', ids, (r, wanted) => wanted.has(r.id));
  return new Map(rows.map((r) => [r.id, r]));
}

/** The rows of the groups `from`..`to` (inclusive), group by group: one range of bundle keys. */
export async function rowsInGroups<T extends { id: string }, B extends Bundle<T>>(
  db: Dexie,
  kind: AnyKind<T, B>,
  from: string,
  to: string,
): Promise<T[]> {
  const [lo, hi] = groupKeys(from, to);
  return (await bundleTable(db, kind).where(':id').between(lo, hi, true, true).toArray()).flatMap((b) => b.rows);
}

export async function allRows<T extends { id: string }, B extends Bundle<T>>(
  db: Dexie,
  kind: AnyKind<T, B>,
): Promise<T[]> {
  return (await bundleTable(db, kind).toArray()).flatMap((b) => b.rows);
}

/** How many rows are stored: the entries of the `ids` index, without reading a single bundle. */
export async function countRows<T extends { id: string }, B extends Bundle<T>>(
  db: Dexie,
  kind: AnyKind<T, B>,
): Promise<number> {
  return bundleTable(db, kind).orderBy('ids').count();
}

/**
 * Changes to one kind of row within one transaction. `load()` reads every bundle the changes touch up front;
 * `get`, `put` and `delete` then work in memory (synchronously: a long run of awaits without an IndexedDB
 * request in between would lose Dexie's transaction zone), and `flush()` writes each touched bundle once.
 */
export class BundleWriter<T extends { id: string }, B extends Bundle<T>> {
  /** Loaded bundles by key (empty for a bundle not written yet): their rows by id. */
  private readonly bundles = new Map<string, Map<string, T>>();
  /** Bundle key of every loaded row. */
  private readonly keyOfId = new Map<string, string>();
  /** Ids looked up: a looked-up id with no key is not stored. */
  private readonly lookedUp = new Set<string>();
  /** Per group loaded, the bundle new rows go to: its last one. */
  private readonly open = new Map<string, string>();
  private readonly dirty = new Set<string>();

  constructor(
    private readonly db: Dexie,
    private readonly kind: AnyKind<T, B>,
  ) {}

  private adopt(b: B): void {
    if (this.bundles.has(b.key)) return;
    this.bundles.set(b.key, new Map(b.rows.map((r) => [r.id, r])));
    for (const r of b.rows) {
      this.keyOfId.set(r.id, b.key);
      this.lookedUp.add(r.id);
    }
  }

  /** Reads the bundles holding any of `ids`, and the last bundle of each of `groups` (where new rows go). */
  async load(ids: readonly string[], groups: readonly string[] = []): Promise<void> {
    const unknownIds = ids.filter((id) => !this.lookedUp.has(id));
    const loaded = new Set(this.bundles.keys());
    for (const b of await bundlesWhere(this.db, this.kind, 'ids', unknownIds, loaded)) this.adopt(b);
    for (const id of unknownIds) this.lookedUp.add(id);
    for (const group of new Set(groups)) {
      if (this.open.has(group)) continue;
      const [lo, hi] = groupKeys(group, group);
      const last = await bundleTable(this.db, this.kind).where(':id').between(lo, hi, true, true).last();
      if (last) this.adopt(last);
      const key = last?.key ?? bundleKey(group, 0);
      if (!this.bundles.has(key)) this.bundles.set(key, new Map());
      this.open.set(group, key);
    }
  }

  /** Reads the bundles whose `index` holds any of `values`; returns their rows that `has` keeps. */
  async loadWhere(
    index: string,
    values: readonly string[],
    has: (row: T, values: ReadonlySet<string>) => boolean,
  ): Promise<T[]> {
    for (const b of await bundlesWhere(this.db, this.kind, index, values, new Set(this.bundles.keys()))) this.adopt(b);
    return this.loadedWhere(values, has);
  }

  /** The loaded rows (as changed so far) that `has` keeps. */
  loadedWhere(values: readonly string[], has: (row: T, values: ReadonlySet<string>) => boolean): T[] {
    const wanted = new Set(values);
    return [...this.bundles.values()].flatMap((rows) => [...rows.values()].filter((r) => has(r, wanted)));
  }

  /** The stored (or already put) row with this id; its id must have been loaded. */
  get(id: string): T | undefined {
    const key = this.keyOfId.get(id);
    if (key !== undefined) return this.bundles.get(key)!.get(id);
    if (!this.lookedUp.has(id)) throw new Error(`${this.kind.table}: row ${id} was not loaded`);
    return undefined;
  }

  /**
   * Adds or replaces a row (by id). A replaced row stays in its bundle unless its group changed; a new (or
   * moved) one joins the last bundle of its group, or starts the next when that one is full. Its id, and its
   * group if it is new or moves, must have been loaded.
   */
  put(row: T): void {
    const group = this.kind.groupOf(row);
    const was = this.get(row.id) !== undefined ? this.keyOfId.get(row.id)! : undefined;
    if (was !== undefined && groupOfKey(was) === group) {
      this.bundles.get(was)!.set(row.id, row);
      this.dirty.add(was);
      return;
    }
    let key = this.open.get(group);
    if (key === undefined) throw new Error(`${this.kind.table}: the bundles of ${group} were not loaded`);
    if (this.bundles.get(key)!.size >= this.kind.maxRows) {
      key = bundleKey(group, seqOfKey(key) + 1);
      this.bundles.set(key, new Map());
      this.open.set(group, key);
    }
    if (was !== undefined) {
      this.bundles.get(was)!.delete(row.id);
      this.dirty.add(was);
    }
    this.bundles.get(key)!.set(row.id, row);
    this.keyOfId.set(row.id, key);
    this.dirty.add(key);
  }

  /** Deletes rows by id (loaded ones); returns how many there were. */
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
    const puts: B[] = [];
    const deletes: string[] = [];
    for (const key of this.dirty) {
      const rows = this.bundles.get(key)!;
      if (rows.size === 0) deletes.push(key);
      else puts.push(makeBundleOf(this.kind, key, rows.values()));
    }
    this.dirty.clear();
    if (puts.length) await bundleTable(this.db, this.kind).bulkPut(puts);
    if (deletes.length) await bundleTable(this.db, this.kind).bulkDelete(deletes);
  }
}

/** Adds or replaces these rows (by id) in one go. */
export async function putRows<T extends { id: string }, B extends Bundle<T>>(
  db: Dexie,
  kind: AnyKind<T, B>,
  rows: readonly T[],
): Promise<void> {
  if (rows.length === 0) return;
  // Nothing stored yet (a restore into an empty history, a first upgrade): no lookups, bundles written straight.
  if ((await bundleTable(db, kind).count()) === 0) {
    await bundleTable(db, kind).bulkPut(bundleAll(kind, rows));
    return;
  }
  const w = new BundleWriter(db, kind);
  await w.load(
    rows.map((r) => r.id),
    rows.map((r) => kind.groupOf(r)),
  );
  for (const r of rows) w.put(r);
  await w.flush();
}

/** Deletes these rows (by id); returns how many were stored. */
export async function deleteRows<T extends { id: string }, B extends Bundle<T>>(
  db: Dexie,
  kind: AnyKind<T, B>,
  ids: readonly string[],
): Promise<number> {
  const w = new BundleWriter(db, kind);
  await w.load(ids);
  const n = w.delete(ids);
  await w.flush();
  return n;
}

/** Deletes the rows of the bundles whose `index` holds any of `values` that `has` keeps; returns their ids. */
export async function deleteRowsWhere<T extends { id: string }, B extends Bundle<T>>(
  db: Dexie,
  kind: AnyKind<T, B>,
  index: string,
  values: readonly string[],
  has: (row: T, values: ReadonlySet<string>) => boolean,
): Promise<string[]> {
  const w = new BundleWriter(db, kind);
  const ids = (await w.loadWhere(index, values, has)).map((r) => r.id);
  w.delete(ids);
  await w.flush();
  return ids;
}
