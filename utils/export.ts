/**
 * Export of everything Tokenwise stored: one JSON file (utils/export-format.ts) and two CSVs for spreadsheets.
 * Runs in the options page, reading IndexedDB directly (same extension origin as the background).
 */
import { browser } from '#imports';
import type Dexie from 'dexie';
import { getDb, openForRescue, type TokenwiseDB } from './db';
import { dbOpenState } from './db-status';
import { EXPORT_FORMAT, EXPORT_FORMAT_VERSION, PRIMARY_KEYS, TABLE_NAMES, type TableName } from './export-format';
import { dailyToCsv, sitesByTask, tasksToCsv } from './csv';
import { getSettings } from './settings';
import { bundleTable, countRows } from './bundle-store';
import { BUNDLED } from './bundled-tables';
import { allConversations } from './conversation-store';
import { getTrackedSites } from './sites-store';
import { allTasks } from './task-store';

export interface ExportProgress {
  table: TableName;
  /** Rows written so far, over all tables, and the total to write. */
  done: number;
  total: number;
}

export interface ExportOptions {
  onProgress?: (p: ExportProgress) => void;
  /** Rows read and serialised per step; the page gets the event loop back between steps. */
  pageSize?: number;
  now?: Date;
}

/** Lets the page paint and handle input between pages of rows. */
export const yieldToEventLoop = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** The extension's version, or 'unknown' where there is no manifest (tests, tools). */
export function appVersion(): string {
  try {
    return browser.runtime.getManifest().version;
  } catch {
    return 'unknown';
  }
}

/** `tokenwise-export-2026-11-25.json`, `tokenwise-tasks-2026-11-25.csv`…: the local date of `now`. */
export function exportFileName(kind: 'export' | 'tasks' | 'daily', now = new Date()): string {
  const day = `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`;
  return `tokenwise-${kind}-${day}.${kind === 'export' ? 'json' : 'csv'}`;
}

/**
 * Every table and the settings as one JSON Blob. Built in pages (keyset paging on the primary key, or on the
 * bundles' keys for the bundled tables), each page serialised and handed to the Blob as its own string, with a
 * yield between pages: a heavy year (73,000 turns, 20,000 tasks, ~60 MB) exports without freezing the page or
 * building one giant string.
 *
 * The pages are separate reads, not one transaction: a transaction would commit at the first yield. A turn
 * recorded while exporting may or may not be in the file; every row that is in it is whole.
 */
export async function exportAll(db: Dexie, opts: ExportOptions = {}): Promise<Blob> {
  const pageSize = opts.pageSize ?? 2000;
  const [privacy, sites] = await Promise.all([getSettings(), getTrackedSites()]);
  const sources = TABLE_NAMES.map((t) => sourceOf(db, t));
  const counts = await Promise.all(sources.map((s) => s?.count() ?? 0));
  const total = counts.reduce((a, b) => a + b, 0);
  const header = {
    format: EXPORT_FORMAT,
    formatVersion: EXPORT_FORMAT_VERSION,
    exportedAt: (opts.now ?? new Date()).toISOString(),
    appVersion: appVersion(),
    settings: { privacy, sites },
  };
  // The header's closing brace is replaced by the tables, written table by table, a row per line.
  const parts: string[] = [`${JSON.stringify(header).slice(0, -1)},"tables":{`];
  let done = 0;
  for (const [i, name] of TABLE_NAMES.entries()) {
    parts.push(`${i > 0 ? ',' : ''}\n${JSON.stringify(name)}:[`);
    let first = true;
    for await (const page of sources[i]?.pages(pageSize) ?? []) {
      parts.push(`${first ? '' : ','}\n${page.map((row) => JSON.stringify(row)).join(',\n')}`);
      first = false;
      done += page.length;
      opts.onProgress?.({ table: name, done, total: Math.max(total, done) });
      await yieldToEventLoop();
    }
    parts.push(']');
  }
  parts.push('\n}}\n');
  return new Blob(parts, { type: 'application/json' });
}

type Row = Record<string, unknown>;

/** Where an exported table's rows come from, and how many there are. */
interface TableSource {
  count(): Promise<number>;
  pages(size: number): AsyncGenerator<Row[]>;
}

/**
 * The rows of one exported table. Turns and conversations are stored in bundles (utils/bundled-tables.ts) and
 * exported as rows, as every format version has them; a database left at an older version (a failed upgrade,
 * exported as it is) still has them as rows, and may lack newer tables: those export empty (undefined).
 */
function sourceOf(db: Dexie, name: TableName): TableSource | undefined {
  const has = (t: string) => db.tables.some((x) => x.name === t);
  const kind = BUNDLED[name];
  if (kind && has(kind.table))
    return { count: () => countRows(db, kind), pages: (size) => bundledPages(db, kind, size) };
  if (!has(name)) return undefined;
  return { count: () => db.table(name).count(), pages: (size) => readPages(db, name, size) };
}

/** Bundled rows `size` at a time, in the bundles' key order (turns and tasks: by day), each bundle's by id. */
async function* bundledPages(
  db: Dexie,
  kind: NonNullable<(typeof BUNDLED)[TableName]>,
  size: number,
): AsyncGenerator<Row[]> {
  // A bundle holds up to a few hundred rows (a day's turns of one site, a day's conversations).
  const bundlesPerRead = Math.max(1, Math.round(size / 100));
  let last: string | undefined;
  for (;;) {
    const table = bundleTable(db, kind);
    const from = last;
    // An explicit transaction: Dexie's implicit reads return copies through its query cache.
    const bundles = await db.transaction('r', table, () =>
      from === undefined
        ? table.orderBy(':id').limit(bundlesPerRead).toArray()
        : table.where(':id').above(from).limit(bundlesPerRead).toArray(),
    );
    const rows = bundles.flatMap((b) => b.rows as Row[]);
    for (let i = 0; i < rows.length; i += size) yield rows.slice(i, i + size);
    if (bundles.length < bundlesPerRead) return;
    last = bundles[bundles.length - 1]!.key;
  }
}

/** A table's rows in primary-key order, `size` at a time (keyset paging: no offset to skip over). */
async function* readPages(db: Dexie, name: TableName, size: number): AsyncGenerator<Row[]> {
  const table = db.table<Record<string, unknown>, string>(name);
  const key = PRIMARY_KEYS[name];
  let last: string | undefined;
  for (;;) {
    const from = last;
    const page = await db.transaction('r', table, () =>
      from === undefined
        ? table.orderBy(':id').limit(size).toArray()
        : table.where(':id').above(from).limit(size).toArray(),
    );
    if (page.length === 0) return;
    yield page;
    if (page.length < size) return;
    last = page[page.length - 1]![key] as string;
  }
}

/** The task list as CSV, oldest first: one row per task with its sites, outcome, note and totals. */
export async function exportTasksCsv(db: TokenwiseDB): Promise<Blob> {
  const [tasks, conversations] = await Promise.all([allTasks(db), allConversations(db)]);
  tasks.sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
  return new Blob([tasksToCsv(tasks, sitesByTask(conversations))], { type: 'text/csv' });
}

/** The daily totals as CSV: day, site, provenance, tokens, turns and cost, by day. */
export async function exportDailyCsv(db: TokenwiseDB): Promise<Blob> {
  const rows = await db.daily.orderBy('day').toArray();
  return new Blob([dailyToCsv(rows)], { type: 'text/csv' });
}

/**
 * The database to export from: the shared one, or — when it could not be opened at the current version (a
 * failed upgrade) — the database as it is on disk, so the person can still take their history with them.
 */
export async function databaseForExport(): Promise<Dexie> {
  const db = getDb();
  await db.open().catch(() => {});
  return dbOpenState.get().kind === 'failed' ? openForRescue() : db;
}
