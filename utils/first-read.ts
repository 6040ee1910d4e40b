/**
 * A page's first view, read with plain IndexedDB by a tiny classic script in the page's <head>
 * (entrypoints/popup-first-read.ts, entrypoints/dashboard-first-read.ts), so the reads run in the browser
 * while the page's bundle (React, Dexie, ~100 ms to evaluate) is still being evaluated. The page then renders
 * its first frame from these rows and starts its live (Dexie) queries after it, which take over from then on.
 *
 * Reads only: a database that does not exist yet is not created (Dexie creates it, with its schema), a missing
 * table or index gives `undefined` (the page falls back to its own reads), and the connection closes as soon as
 * the reads are done or another version wants the database, so it never blocks an upgrade.
 */
import { DB_NAME } from './db-name';

/**
 * One read: every row of `table`, or the rows whose `index` (without one: whose primary key) lies in [from, to].
 * A primary-key range reads records in key order, side by side on disk; an index range looks each record up on
 * its own (about 4× slower in Chromium, measured over a heavy year's tasks).
 */
export interface RangeRead {
  table: string;
  index?: string;
  from?: string;
  to?: string;
}

/** Named reads, done in one read-only transaction. */
export type ReadPlan = Record<string, RangeRead>;

export type PlanRows<P extends ReadPlan> = { [K in keyof P]: unknown[] };

/** What the head script leaves for the page: which plan it read, when, and the rows (or undefined). */
export interface FirstRead {
  /** Names what was read (e.g. `popup`, `dashboard:30d`): the page uses it only if it asks for the same. */
  key: string;
  now: number;
  rows: Promise<Record<string, unknown[]> | undefined>;
}

declare global {
  var __tokenwiseFirstRead: FirstRead | undefined;
}

/**
 * Reads a plan from the Tokenwise database as it is. Never throws and never creates or upgrades anything:
 * any problem resolves to undefined.
 */
export function readPlan<P extends ReadPlan>(
  plan: P,
  factory: IDBFactory = indexedDB,
  name = DB_NAME,
): Promise<PlanRows<P> | undefined> {
  return new Promise((resolve) => {
    let req: IDBOpenDBRequest;
    try {
      req = factory.open(name);
    } catch {
      return resolve(undefined);
    }
    // No database yet: opening without a version would create an empty one, which Dexie would then have to
    // upgrade. Aborting the creation leaves nothing behind (the open then fails, below).
    req.onupgradeneeded = () => req.transaction?.abort();
    req.onerror = (e) => {
      e.preventDefault();
      resolve(undefined);
    };
    req.onblocked = () => resolve(undefined);
    req.onsuccess = () => {
      const db = req.result;
      db.onversionchange = () => db.close();
      try {
        const stores = [...new Set(Object.values(plan).map((r) => r.table))];
        const tx = db.transaction(stores, 'readonly');
        const out: Record<string, unknown[]> = {};
        for (const [key, r] of Object.entries(plan)) {
          const store = tx.objectStore(r.table);
          const source = r.index ? store.index(r.index) : store;
          const range =
            r.from !== undefined && r.to !== undefined ? IDBKeyRange.bound(r.from, r.to, false, false) : undefined;
          const get = source.getAll(range);
          get.onsuccess = () => {
            out[key] = get.result as unknown[];
          };
        }
        tx.oncomplete = () => {
          db.close();
          resolve(out as PlanRows<P>);
        };
        tx.onabort = () => {
          db.close();
          resolve(undefined);
        };
      } catch {
        // A table or index this version of the database lacks (an older schema): the page reads it itself.
        db.close();
        resolve(undefined);
      }
    };
  });
}

/**
 * The daily rollups of the days `from`..`to`, by primary key: a rollup's id starts with its day
 * (`<day>|<site>|<provenance>`, entrypoints/background/ingest.ts).
 */
export const dailyInDays = (from: string, to: string): RangeRead => ({ table: 'daily', from, to: `${to}|\uffff` });

/** Starts a plan's read and leaves it for the page (the head scripts call this). */
export function startFirstRead(key: string, plan: ReadPlan, now: number): void {
  globalThis.__tokenwiseFirstRead = { key, now, rows: readPlan(plan) };
}

/**
 * The rows the head script read, once, if it read the plan named `key` within the last few seconds (a page
 * kept open reads through its own queries). Later calls get undefined: a page renders from them only once.
 */
export function takeFirstRead(key: string, now = Date.now()): { now: number; rows: FirstRead['rows'] } | undefined {
  const first = globalThis.__tokenwiseFirstRead;
  if (!first || first.key !== key || now - first.now > 5_000) return undefined;
  globalThis.__tokenwiseFirstRead = undefined;
  return { now: first.now, rows: first.rows };
}
