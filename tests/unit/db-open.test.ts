// Opening the database when things go wrong: a failed upgrade leaves the old version with every row and can
// still be exported (reliability test 14); an old connection that ignores `versionchange` is reported as
// "blocked" and the upgrade finishes once it closes (17); our own connection never blocks a newer build.
import { readFileSync } from 'node:fs';
import Dexie from 'dexie';
import { describe, expect, it } from 'vitest';
import { CURRENT_VERSION, declareVersions, readForRescue, TokenwiseDB } from '@/utils/db';
import { createOpenStateStore, trackOpen, type DbOpenState } from '@/utils/db-status';
import { countTurns } from '@/utils/turn-store';
import { countTasks, getTask } from '@/utils/task-store';

interface Fixture {
  version: number;
  tables: Record<string, Array<Record<string, unknown>>>;
}
const fixture = (k: number) =>
  JSON.parse(readFileSync(new URL(`../fixtures/db/v${k}.json`, import.meta.url), 'utf8')) as Fixture;

let n = 0;
async function createAt(k: number): Promise<{ name: string; fx: Fixture }> {
  const name = `open-v${k}-${Date.now()}-${n++}`;
  const fx = fixture(k);
  const old = new Dexie(name);
  declareVersions(old, k);
  for (const [table, rows] of Object.entries(fx.tables)) await old.table(table).bulkAdd(rows);
  old.close();
  return { name, fx };
}

/** Opens with plain IndexedDB (no Dexie), at `version` or the current one. */
function rawOpen(name: string, version?: number): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = version ? indexedDB.open(name, version) : indexedDB.open(name);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

/** Records every state a store goes through. */
function recorder() {
  const store = createOpenStateStore();
  const seen: DbOpenState['kind'][] = [];
  store.subscribe(() => seen.push(store.get().kind));
  return { store, seen };
}

const settle = (ms = 50) => new Promise((r) => setTimeout(r, ms));

describe('a failed upgrade (reliability test 14)', () => {
  it('leaves the database at its old version with every row, says so, and the rows can still be exported', async () => {
    const { name, fx } = await createAt(2);
    const boom = new Error('grouping failed halfway');
    const db = new TokenwiseDB(name, {
      upgraders: {
        // Writes some of its work first, then throws: none of it may stay.
        groupTurnsIntoTasks: async (tx) => {
          await tx.table('turns').toCollection().modify({ conversationId: 'half-done' });
          await tx.table('tasks').add({ id: 'half-done' });
          throw boom;
        },
      },
    });
    const { store, seen } = recorder();
    await trackOpen(db, store);
    expect(store.get()).toMatchObject({ kind: 'failed', message: expect.stringContaining('grouping failed halfway') });
    expect(seen).toEqual(['failed']);
    // Queries fail too (they do not hang), so pages can show the notice.
    await expect(countTurns(db)).rejects.toThrow();

    const raw = await rawOpen(name);
    expect(raw.version).toBe(20);
    expect([...raw.objectStoreNames].sort()).toEqual(['daily', 'health', 'turns']);
    raw.close();

    // Export's fallback: the database as it is, every row as it was.
    const rescued = await readForRescue(name);
    expect(rescued.version).toBe(2);
    expect(Object.keys(rescued.tables).sort()).toEqual(['daily', 'health', 'turns']);
    for (const [table, rows] of Object.entries(fx.tables)) {
      expect(rescued.tables[table], table).toHaveLength(rows.length);
      expect(rescued.tables[table]).toEqual(expect.arrayContaining(rows));
    }

    // The next build with a working upgrade picks the same rows up.
    const fixed = new TokenwiseDB(name);
    await fixed.open();
    expect(await countTurns(fixed)).toBe(fx.tables.turns!.length);
    expect(await countTasks(fixed)).toBeGreaterThan(0);
    expect(await getTask(fixed, 'half-done')).toBeUndefined();
    fixed.close();
  });

  it('rescue reads a database that is already current just as well, and refuses one that does not exist', async () => {
    const { name, fx } = await createAt(CURRENT_VERSION);
    const rescued = await readForRescue(name);
    expect(rescued.version).toBe(CURRENT_VERSION);
    expect(rescued.tables.texts).toEqual(fx.tables.texts);
    await expect(readForRescue(`missing-${Date.now()}`)).rejects.toThrow();
  });
});

describe('a blocked upgrade (reliability test 17)', () => {
  it('reports "blocked" while an old connection ignores versionchange, then upgrades when it closes', async () => {
    const { name, fx } = await createAt(3);
    // A tab of the previous build: holds version 3 open and ignores the request to close.
    const stale = await rawOpen(name, 30);
    let asked = 0;
    stale.onversionchange = () => asked++;

    const db = new TokenwiseDB(name);
    const { store, seen } = recorder();
    let opened = false;
    const opening = trackOpen(db, store).then(() => (opened = true));
    await settle();
    expect(asked).toBe(1);
    expect(store.get().kind).toBe('blocked');
    expect(opened).toBe(false);

    stale.close();
    await opening;
    expect(seen).toEqual(['blocked', 'ready']);
    expect(db.verno).toBe(CURRENT_VERSION);
    expect(await countTurns(db)).toBe(fx.tables.turns!.length);
    expect(await countTasks(db)).toBe(fx.tables.tasks!.length);
    db.close();
    const raw = await rawOpen(name);
    expect(raw.version).toBe(CURRENT_VERSION * 10);
    raw.close();
  });

  it('our own connection closes when a newer build asks, so it never blocks the upgrade', async () => {
    const { name } = await createAt(CURRENT_VERSION);
    const db = new TokenwiseDB(name);
    await db.open();
    expect(db.isOpen()).toBe(true);

    let blocked = false;
    const newer = await new Promise<IDBDatabase>((resolve, reject) => {
      const req = indexedDB.open(name, CURRENT_VERSION * 10 + 10);
      req.onblocked = () => (blocked = true);
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    expect(blocked).toBe(false);
    expect(newer.version).toBe(CURRENT_VERSION * 10 + 10);
    expect(db.isOpen()).toBe(false);
    newer.close();
  });
});
