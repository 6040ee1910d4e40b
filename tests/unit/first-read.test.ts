// The pages' early first read (utils/first-read.ts): plain IndexedDB in the <head>, before Dexie. It must return
// exactly what the pages' own Dexie reads return, and never create, upgrade or block the database.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import Dexie from 'dexie';
import { CURRENT_VERSION, declareVersions, TokenwiseDB } from '@/utils/db';
import { readPlan, startFirstRead, takeFirstRead, type ReadPlan } from '@/utils/first-read';
import { popupPlan } from '@/entrypoints/popup/read-plan';
import { loadOverview, overviewData, overviewPlan, overviewReadKey } from '@/entrypoints/dashboard/dashboard-data';
import type { RangeId } from '@/entrypoints/dashboard/ranges';
import { addDays } from '@/utils/task-metrics';
import type { SiteHealth } from '@/utils/records';
import { daily, NOW, SITE_B, task } from './dashboard/fixtures';
import { putTasks, tasksInDays, tasksOfRecords } from '@/utils/task-store';

let n = 0;
const uniqueName = () => `first-read-${Date.now()}-${n++}`;
const TODAY = '2026-11-25';

async function exists(name: string): Promise<boolean> {
  return (await indexedDB.databases()).some((d) => d.name === name);
}

describe('readPlan over a database the extension created', () => {
  let name: string;
  let db: TokenwiseDB;
  beforeEach(async () => {
    name = uniqueName();
    db = new TokenwiseDB(name);
    // 60 days of one task and two daily rows each, ending today; one health row.
    const days = Array.from({ length: 60 }, (_, i) => addDays(TODAY, -59 + i));
    await putTasks(
      db,
      days.map((day) => task({ id: `t|${day}`, day })),
    );
    await db.daily.bulkPut(days.flatMap((day) => [daily(day, 'exact', 10), daily(day, 'estimated', 5, SITE_B)]));
    const health: SiteHealth = { site: SITE_B, unrecognised: 2, rejected: 0 };
    await db.health.put(health);
  });
  afterEach(() => db.close());

  it.each([
    ['week', 7],
    ['30d', 30],
  ] as const)('reads the popup’s %s plan exactly as Dexie reads the same %i days', async (win, days) => {
    const plan = popupPlan(win, NOW);
    const rows = await readPlan(plan, indexedDB, name);
    expect(rows).toBeDefined();
    const from = addDays(TODAY, -(days - 1));
    expect(rows!.daily).toEqual(await db.daily.where('day').between(from, TODAY, true, true).toArray());
    expect(tasksOfRecords(rows!.tasks)).toEqual(await tasksInDays(db, from, TODAY));
    expect(rows!.health).toEqual(await db.health.toArray());
    // The chart and the site table need at least the last 7 days, whatever the period; no more than the period.
    expect(rows!.daily).toHaveLength(days * 2);
    expect(tasksOfRecords(rows!.tasks)).toHaveLength(days);
  });

  it.each<RangeId>(['today', 'week', '30d', '90d', 'all'])(
    'the dashboard’s %s plan gives the same first view as loadOverview',
    async (id) => {
      const rows = await readPlan(overviewPlan(id, NOW), indexedDB, name);
      expect(overviewData(id, rows!, NOW)).toEqual(await loadOverview(db, id, NOW));
    },
  );

  it('closes its connection, so a later upgrade is not blocked', async () => {
    await readPlan(popupPlan('week', NOW), indexedDB, name);
    db.close();
    const blocked = await new Promise<boolean>((resolve, reject) => {
      const req = indexedDB.open(name, CURRENT_VERSION * 10 + 10);
      req.onblocked = () => resolve(true);
      req.onsuccess = () => {
        req.result.close();
        resolve(false);
      };
      req.onerror = () => reject(req.error);
    });
    expect(blocked).toBe(false);
  });

  it('gives way to an upgrade that starts while it is reading', async () => {
    db.close();
    const reading = readPlan(popupPlan('week', NOW), indexedDB, name);
    const upgraded = new Promise<number>((resolve, reject) => {
      const req = indexedDB.open(name, CURRENT_VERSION * 10 + 10);
      req.onblocked = () => reject(new Error('blocked by the first read'));
      req.onsuccess = () => {
        const v = req.result.version;
        req.result.close();
        resolve(v);
      };
    });
    await reading;
    expect(await upgraded).toBe(CURRENT_VERSION * 10 + 10);
  });
});

describe('readPlan where there is nothing to read', () => {
  it('leaves a database that does not exist uncreated, so Dexie creates it with its schema', async () => {
    const name = uniqueName();
    expect(await readPlan(popupPlan('week', NOW), indexedDB, name)).toBeUndefined();
    expect(await exists(name)).toBe(false);
    const db = new TokenwiseDB(name);
    await db.open();
    expect(db.verno).toBe(CURRENT_VERSION);
    expect(db.tables.map((t) => t.name)).toContain('taskBundles');
    db.close();
  });

  it('gives undefined for a database at an older version that lacks a table, and the upgrade still runs', async () => {
    const name = uniqueName();
    const old = new Dexie(name);
    declareVersions(old, 2);
    await old.open();
    old.close();
    expect(await readPlan(popupPlan('week', NOW), indexedDB, name)).toBeUndefined();
    const db = new TokenwiseDB(name);
    await db.open();
    expect(db.verno).toBe(CURRENT_VERSION);
    db.close();
  });

  it('gives undefined for a plan naming an index the table does not have', async () => {
    const name = uniqueName();
    const db = new TokenwiseDB(name);
    await db.open();
    db.close();
    const plan: ReadPlan = { x: { table: 'taskBundles', index: 'no-such-index', from: 'a', to: 'b' } };
    expect(await readPlan(plan, indexedDB, name)).toBeUndefined();
  });

  it('gives undefined where IndexedDB refuses to open at all', async () => {
    const refusing = {
      open: () => {
        throw new DOMException('denied', 'SecurityError');
      },
    } as unknown as IDBFactory;
    expect(await readPlan(popupPlan('week', NOW), refusing)).toBeUndefined();
  });
});

describe('startFirstRead → takeFirstRead', () => {
  afterEach(() => {
    globalThis.__tokenwiseFirstRead = undefined;
  });

  it('hands the read to the page that asks for the same plan, once', async () => {
    startFirstRead(overviewReadKey('30d'), overviewPlan('30d', NOW), Date.now());
    expect(takeFirstRead(overviewReadKey('week'))).toBeUndefined(); // another range: not this read
    const taken = takeFirstRead(overviewReadKey('30d'));
    expect(taken).toBeDefined();
    await taken!.rows;
    expect(takeFirstRead(overviewReadKey('30d'))).toBeUndefined(); // taken already
  });

  it('is not used by a page that asks for it long after it was read', () => {
    const at = Date.now();
    startFirstRead('popup:week', popupPlan('week', at), at);
    expect(takeFirstRead('popup:week', at + 60_000)).toBeUndefined();
  });
});
