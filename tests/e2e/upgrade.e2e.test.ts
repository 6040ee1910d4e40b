// Reliability test 15 in real Chromium: an earlier release's database on the profile, then the current build
// starts on the same profile. The history is intact, the database is at the current version, and the popup
// shows it. Staging: with the extension's worker stopped (so nothing holds the database open), a plain
// extension document deletes the database and creates it exactly as release k left it (the stores and indexes
// of utils/db.ts's versions 1..k, read from fake-indexeddb here) with that release's fixture rows; then the
// browser restarts on the same profile and the current code opens it.
import { readFileSync } from 'node:fs';
import Dexie from 'dexie';
import { IDBKeyRange, indexedDB as fakeIndexedDB } from 'fake-indexeddb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Page } from 'playwright-core';
import { launch, openExtensionPage, readTable, stopWorker, waitFor, type ExtBrowser } from './harness';

// utils/db.ts reaches WXT's storage through db-status.ts; this Node-side test only needs the declarations.
vi.mock('#imports', () => ({ storage: { defineItem: () => ({}) } }));
const { CURRENT_VERSION, declareVersions } = await import('@/utils/db');

interface Fixture {
  version: number;
  tables: Record<string, Array<Record<string, unknown>>>;
}
interface StoreSpec {
  name: string;
  keyPath: string | string[] | null;
  autoIncrement: boolean;
  indexes: Array<{ name: string; keyPath: string | string[]; unique: boolean; multiEntry: boolean }>;
}
interface Row {
  id: string;
  site: string;
  day: string;
  at: number;
  inputTokens: number;
  outputTokens: number;
  runId?: string;
  conversationId?: string;
}

const fixture = (k: number) =>
  JSON.parse(readFileSync(new URL(`../fixtures/db/v${k}.json`, import.meta.url), 'utf8')) as Fixture;

/** The stores and indexes Dexie creates for versions 1..k, exactly (read back from fake-indexeddb). */
async function schemaAt(k: number): Promise<StoreSpec[]> {
  const db = new Dexie(`schema-v${k}-${Date.now()}`, { indexedDB: fakeIndexedDB, IDBKeyRange });
  declareVersions(db, k);
  await db.open();
  const idb = db.backendDB();
  const names = [...idb.objectStoreNames];
  const tx = idb.transaction(names, 'readonly');
  const specs = names.map((name) => {
    const s = tx.objectStore(name);
    return {
      name,
      keyPath: s.keyPath,
      autoIncrement: s.autoIncrement,
      indexes: [...s.indexNames].map((i) => {
        const idx = s.index(i);
        return { name: i, keyPath: idx.keyPath, unique: idx.unique, multiEntry: idx.multiEntry };
      }),
    };
  });
  db.close();
  return specs;
}

const pad = (n: number) => String(n).padStart(2, '0');
const dayOf = (d: Date) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
const noonOf = (day: string) => new Date(`${day}T12:00:00`).getTime();

/**
 * The fixture moved to end today (same local times of day), so the popup's "this week" shows it. Days and
 * the ids built from them move with it.
 */
function recent(fx: Fixture): Fixture {
  const days = fx.tables.turns!.map((t) => t.day as string).sort();
  const shift = Math.round((noonOf(dayOf(new Date())) - noonOf(days.at(-1)!)) / 86_400_000);
  const moveDay = (day: string) => {
    const d = new Date(`${day}T12:00:00`);
    d.setDate(d.getDate() + shift);
    return dayOf(d);
  };
  const moveAt = (at: number) => {
    const d = new Date(at);
    d.setDate(d.getDate() + shift);
    return d.getTime();
  };
  const tables: Fixture['tables'] = {};
  for (const [name, rows] of Object.entries(fx.tables)) {
    tables[name] = rows.map((r) => {
      const row = { ...r };
      if (typeof row.day === 'string') row.day = moveDay(row.day);
      for (const k of ['at', 'firstAt', 'lastAt', 'createdAt', 'outcomeAt', 'endedAt']) {
        if (typeof row[k] === 'number') row[k] = moveAt(row[k]);
      }
      if (name === 'daily') row.id = `${String(row.day)}|${String(row.site)}|${String(row.source)}`;
      if (name === 'tasks' && typeof row.lastAt === 'number') row.day = dayOf(new Date(row.lastAt));
      if (typeof row.conversationId === 'string')
        row.conversationId = row.conversationId.replace(/\|d:(.+)$/, (_, d: string) => `|d:${moveDay(d)}`);
      return row;
    });
  }
  return { ...fx, tables };
}

/** Deletes the extension's database and creates it at native version `k × 10` with these stores and rows. */
async function stage(page: Page, version: number, stores: StoreSpec[], tables: Fixture['tables']): Promise<number> {
  return page.evaluate(
    ({ version, stores, tables }) =>
      new Promise<number>((resolve, reject) => {
        const del = indexedDB.deleteDatabase('tokenwise');
        del.onblocked = () => reject(new Error('delete blocked: something still holds the database open'));
        del.onerror = () => reject(del.error);
        del.onsuccess = () => {
          const open = indexedDB.open('tokenwise', version * 10);
          open.onerror = () => reject(open.error);
          open.onupgradeneeded = () => {
            for (const s of stores) {
              const store = open.result.createObjectStore(s.name, {
                keyPath: s.keyPath,
                autoIncrement: s.autoIncrement,
              });
              for (const i of s.indexes)
                store.createIndex(i.name, i.keyPath, { unique: i.unique, multiEntry: i.multiEntry });
            }
          };
          open.onsuccess = () => {
            const db = open.result;
            const tx = db.transaction(Object.keys(tables), 'readwrite');
            for (const [name, rows] of Object.entries(tables)) for (const r of rows) tx.objectStore(name).put(r);
            tx.oncomplete = () => {
              const v = db.version;
              db.close();
              resolve(v);
            };
            tx.onerror = () => reject(tx.error);
          };
        };
      }),
    { version, stores, tables },
  );
}

/** The database's version as stored, without upgrading it. */
const storedVersion = (page: Page) =>
  page.evaluate(
    () =>
      new Promise<number>((resolve, reject) => {
        const open = indexedDB.open('tokenwise');
        open.onsuccess = () => {
          resolve(open.result.version);
          open.result.close();
        };
        open.onerror = () => reject(open.error);
      }),
  );

let b: ExtBrowser | undefined;
afterEach(async () => {
  await b?.close();
  b = undefined;
});

/**
 * The schema of the release before this build. Versions 5 and 6 came in one release (v5 copies the turns into
 * bundles, v6 drops the old table), so no profile was ever left at v5.
 */
const PREVIOUS_RELEASE = 4;

describe('real-browser upgrade on the same profile (reliability test 15)', () => {
  it.each([2, PREVIOUS_RELEASE])('a release at schema v%i → this build: history intact, popup shows it', async (k) => {
    const fx = recent(fixture(k));
    const stores = await schemaAt(k);

    b = await launch();
    const doc = await b.ctx.newPage();
    // A plain document of the extension's origin: it opens no database of its own.
    await doc.goto(`chrome-extension://${b.extId}/manifest.json`);
    expect(await stopWorker(b)).toBe(true);
    expect(await stage(doc, k, stores, fx.tables)).toBe(k * 10);

    const { profile, extId } = b;
    await b.close(true);
    b = await launch({ profile });
    expect(b.extId).toBe(extId);

    const popup = await openExtensionPage(b, 'popup.html');
    await popup.locator('main[data-ready="true"]').waitFor({ timeout: 20_000 });
    expect(await waitFor(async () => (await storedVersion(popup)) === CURRENT_VERSION * 10)).toBe(true);

    // Every row kept; older turns grouped into tasks by the real upgrade in the real browser.
    const turns = await readTable<Row>(popup, 'turns');
    expect(turns.map((t) => t.id).sort()).toEqual(fx.tables.turns!.map((t) => t.id as string).sort());
    expect(turns.every((t) => typeof t.conversationId === 'string')).toBe(true);
    const daily = await readTable<Record<string, unknown>>(popup, 'daily');
    expect(daily).toHaveLength(fx.tables.daily!.length);
    expect(daily).toEqual(expect.arrayContaining(fx.tables.daily!));
    expect(await readTable(popup, 'health')).toHaveLength(fx.tables.health!.length);
    const groups = new Set(turns.map((t) => t.conversationId));
    const tasks = await readTable<{ turns: number; inputTokens: number; outputTokens: number }>(popup, 'tasks');
    if (k < 3) expect(tasks).toHaveLength(groups.size);
    else expect(tasks).toHaveLength(fx.tables.tasks!.length);
    const sum = (rows: Array<{ inputTokens: number; outputTokens: number }>) =>
      rows.reduce((s, r) => s + r.inputTokens + r.outputTokens, 0);
    expect(sum(tasks)).toBe(sum(turns));

    // The popup shows the history, with no database notice.
    expect(await popup.getByTestId('empty-state').count()).toBe(0);
    expect(await popup.getByTestId('db-status').count()).toBe(0);
    const sites = [...new Set(turns.map((t) => t.site))].sort();
    expect(
      await popup
        .locator('table.sites tr[data-site]')
        .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-site')).sort()),
    ).toEqual(sites);
  });
});
