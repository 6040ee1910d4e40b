/**
 * Import of an export file, in two steps: `checkImport` reads and validates the file and compares it with
 * the database without writing anything (the preview the person confirms), then `applyImport` writes it in
 * one transaction. Reliability tests 18–23 (../shared/docs/reliability-tests.md) cover both.
 *
 * It runs in the options page and writes IndexedDB directly, not through the background: the page has the
 * same extension origin (the same database), and a year of history is tens of MB, too big to copy through
 * runtime messages. The background is told afterwards so the badge follows.
 */
import { browser } from '#imports';
import type { z } from './zod';
import type { TokenwiseDB } from './db';
import {
  EXPORT_FORMAT,
  EXPORT_FORMAT_VERSION,
  ExportEnvelope,
  PRIMARY_KEYS,
  ROW_SCHEMAS,
  TABLE_NAMES,
  type ExportSettings,
  type TableName,
} from './export-format';
import { yieldToEventLoop } from './export';
import { countRows, getRows, putRows } from './bundle-store';
import { BUNDLED, storedTableOf } from './bundled-tables';
import { saveSettings, settingsItem } from './settings';
import { getTrackedSites, saveTrackedSites, sitesItem, type TrackedSite } from './sites-store';

/** Larger files are refused before reading: a heavy year is ~40 MB, so this leaves room for several. */
export const MAX_IMPORT_BYTES = 200 * 1024 * 1024;
/** How many invalid records the preview lists (the count covers all). */
export const INVALID_SHOWN = 10;

type Row = Record<string, unknown>;

export interface TableCounts {
  new: number;
  updated: number;
  identical: number;
  invalid: number;
}

export interface InvalidRecord {
  table: TableName;
  /** Position of the record in the file's table (0-based). */
  index: number;
  /** Field path inside the record, e.g. `signals.copied` ('' for the record itself). */
  path: string;
  reason: string;
}

export interface ImportPreview {
  formatVersion: number;
  exportedAt: string;
  appVersion: string;
  counts: Record<TableName, TableCounts>;
  /** The first INVALID_SHOWN invalid records, in file order. */
  invalid: InvalidRecord[];
  invalidTotal: number;
  /** Valid rows that are new or differ from the stored ones: what applying writes (identical ones need no write). */
  changes: Record<TableName, Row[]>;
  settings: ExportSettings;
}

export type ImportCheck = { ok: true; preview: ImportPreview } | { ok: false; error: string };
export type ImportResult = { ok: true; written: number } | { ok: false; error: string };

export interface CheckOptions {
  maxBytes?: number;
}

/**
 * Upgrades from each older export format to the next, keyed by the version they upgrade from: a file of
 * version k goes through k → k+1 → … → EXPORT_FORMAT_VERSION. There is only version 1 so far; when the format
 * changes, add e.g. `1: upgradeV1ToV2` (a small named, unit-tested function) and a fixture
 * tests/fixtures/export/v1.json keeps proving it (reliability test 22).
 */
const UPGRADES: Record<number, (file: Record<string, unknown>) => Record<string, unknown>> = {};

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(bytes < 10 * 1024 * 1024 ? 1 : 0)} MB`;

/**
 * Reads an export file and says what importing it would do, writing nothing. Never throws: every problem is
 * an `{ ok: false, error }` with a sentence for the person.
 */
export async function checkImport(file: Blob | string, db: TokenwiseDB, opts: CheckOptions = {}): Promise<ImportCheck> {
  try {
    return await check(file, db, opts.maxBytes ?? MAX_IMPORT_BYTES);
  } catch (e) {
    return { ok: false, error: `The file could not be read: ${e instanceof Error ? e.message : String(e)}` };
  }
}

async function check(file: Blob | string, db: TokenwiseDB, maxBytes: number): Promise<ImportCheck> {
  const size = typeof file === 'string' ? file.length : file.size;
  if (size > maxBytes) {
    return { ok: false, error: `The file is ${mb(size)}; Tokenwise imports files of up to ${mb(maxBytes)}.` };
  }
  // Which tables hold anything yet, asked at once and answered while the file is read and checked: right after
  // "Delete all history" each answer waits on IndexedDB's clean-up (~180 ms, measured), and an empty table needs
  // no lookups below.
  const storedNow = Promise.all(TABLE_NAMES.map((name) => storedCount(db, name)));
  storedNow.catch(() => {}); // awaited below; this only keeps an early return from leaving it unhandled
  const text = typeof file === 'string' ? file : await file.text();
  if (text.trim() === '') return { ok: false, error: 'The file is empty.' };

  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    const at = /position (\d+)/.exec(e instanceof Error ? e.message : '')?.[1];
    const where = at
      ? ` (at character ${Number(at).toLocaleString('en-US')} of ${text.length.toLocaleString('en-US')})`
      : '';
    return {
      ok: false,
      error: `The file is not valid JSON${where}: it may be cut short or damaged. Export again and retry.`,
    };
  }
  const upgraded = upgradeToCurrent(raw);
  if (!upgraded.ok) return upgraded;

  const envelope = ExportEnvelope.safeParse(upgraded.file);
  if (!envelope.success) {
    const first = envelope.error.issues.slice(0, 3).map((i) => describeIssue(i, upgraded.file));
    return { ok: false, error: `The file’s structure is not valid: ${first.join('; ')}.` };
  }
  const { tables, settings, exportedAt, appVersion } = envelope.data;

  const counts = {} as Record<TableName, TableCounts>;
  const changes = {} as Record<TableName, Row[]>;
  const stored = await storedNow;
  const invalid: InvalidRecord[] = [];
  let invalidTotal = 0;
  for (const name of TABLE_NAMES) {
    const valid = new Map<string, Row>();
    const c: TableCounts = { new: 0, updated: 0, identical: 0, invalid: 0 };
    for (const [index, record] of tables[name].entries()) {
      const parsed = (ROW_SCHEMAS[name] as z.ZodMiniType<Row>).safeParse(record);
      if (parsed.success) {
        // A key twice in one file: the later record wins, as it would in a bulkPut.
        valid.set(parsed.data[PRIMARY_KEYS[name]] as string, parsed.data);
        continue;
      }
      c.invalid++;
      invalidTotal++;
      if (invalid.length < INVALID_SHOWN) {
        const issue = parsed.error.issues[0]!;
        invalid.push({ table: name, index, path: issue.path.join('.'), reason: describeIssue(issue, record, false) });
      }
    }
    changes[name] = await compareWithStored(db, name, valid, c, stored[TABLE_NAMES.indexOf(name)]!);
    counts[name] = c;
  }
  return {
    ok: true,
    preview: {
      formatVersion: upgraded.version,
      exportedAt,
      appVersion,
      counts,
      invalid,
      invalidTotal,
      changes,
      settings,
    },
  };
}

/** Checks the format tag and version, then runs the upgrades from the file's version to the current one. */
function upgradeToCurrent(
  raw: unknown,
): { ok: true; file: Record<string, unknown>; version: number } | { ok: false; error: string } {
  if (!isPlainObject(raw) || raw.format !== EXPORT_FORMAT) {
    return { ok: false, error: 'This is not a Tokenwise export file (it has no "format": "tokenwise-export").' };
  }
  const version = raw.formatVersion;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    return { ok: false, error: 'The file has no valid "formatVersion", so Tokenwise cannot tell how to read it.' };
  }
  if (version > EXPORT_FORMAT_VERSION) {
    return {
      ok: false,
      error:
        `This file uses export format v${version}, newer than this Tokenwise reads (v${EXPORT_FORMAT_VERSION}). ` +
        `Importing it needs Tokenwise with export format v${version} or newer: update Tokenwise and try again.`,
    };
  }
  let file = raw;
  for (let v = version; v < EXPORT_FORMAT_VERSION; v++) {
    const upgrade = UPGRADES[v];
    if (!upgrade) return { ok: false, error: `Export format v${v} can no longer be imported.` };
    file = upgrade(file);
  }
  return { ok: true, file, version };
}

/** How many rows of an exported table are stored (bundled ones counted through their index). */
function storedCount(db: TokenwiseDB, name: TableName): Promise<number> {
  const kind = BUNDLED[name];
  return kind ? countRows(db, kind) : db.table(name).count();
}

/**
 * Counts new / updated / identical against the stored rows (by primary key) and returns the rows to write.
 * `storedRows`: how many rows the table holds now.
 */
async function compareWithStored(
  db: TokenwiseDB,
  name: TableName,
  valid: Map<string, Row>,
  c: TableCounts,
  storedRows: number,
): Promise<Row[]> {
  const kind = BUNDLED[name]; // stored in bundles: found by id through their index
  const table = kind ? undefined : db.table<Row, string>(name);
  // Nothing stored yet (a restore after "Delete all history", a new browser): every row is new, no lookups.
  if (storedRows === 0) {
    c.new += valid.size;
    return [...valid.values()];
  }
  const keys = [...valid.keys()];
  const out: Row[] = [];
  for (let i = 0; i < keys.length; i += 2000) {
    const chunk = keys.slice(i, i + 2000);
    const stored: (Row | undefined)[] = table
      ? await table.bulkGet(chunk)
      : await getRows(db, kind!, chunk).then((m) => chunk.map((k) => m.get(k)));
    chunk.forEach((key, j) => {
      const row = valid.get(key)!;
      const old = stored[j];
      if (old === undefined) c.new++;
      else if (isDeepEqual(old, row)) return void c.identical++;
      else c.updated++;
      out.push(row);
    });
    await yieldToEventLoop();
  }
  return out;
}

export interface ApplyOptions {
  /** The person confirmed "import the valid records only": required when the file has invalid records. */
  validOnly?: boolean;
  /** Rows per bulkPut inside the one transaction. */
  chunkSize?: number;
  /**
   * Rows written so far of the total, after each chunk (or bundled table). Nothing is committed until the end: a
   * year of history still takes several seconds here (IndexedDB's cost per record and per byte: the daily
   * totals are one record each, the heavy year's calls ~36 MB), and the person sees it move.
   */
  onProgress?: (p: { done: number; total: number }) => void;
}

/**
 * Writes a checked file: every table in ONE transaction (any failure aborts it and leaves the database as it
 * was), then the settings once that transaction has committed: the privacy settings as in the file, the
 * tracked sites merged (union by origin, the file's entry winning). Refused when the file has invalid records
 * unless `validOnly` is set. Never throws.
 */
export async function applyImport(
  preview: ImportPreview,
  db: TokenwiseDB,
  opts: ApplyOptions = {},
): Promise<ImportResult> {
  if (preview.invalidTotal > 0 && !opts.validOnly) {
    return {
      ok: false,
      error:
        `${preview.invalidTotal.toLocaleString('en-US')} records in the file are not valid, so nothing was imported. ` +
        'Choose “Import the valid records only” to import the rest.',
    };
  }
  const size = opts.chunkSize ?? 2000;
  const total = TABLE_NAMES.reduce((sum, t) => sum + preview.changes[t].length, 0);
  try {
    await db.transaction(
      'rw',
      TABLE_NAMES.map((t) => db.table(storedTableOf(t))),
      async () => {
        let done = 0;
        for (const name of TABLE_NAMES) {
          const rows = preview.changes[name];
          const kind = BUNDLED[name];
          if (kind) {
            // Written as bundles, all at once: a bundle holds rows from anywhere in the file.
            await putRows(db, kind, rows as { id: string }[]);
            done += rows.length;
            opts.onProgress?.({ done, total });
            continue;
          }
          for (let i = 0; i < rows.length; i += size) {
            const chunk = rows.slice(i, i + size);
            await db.table(name).bulkPut(chunk);
            done += chunk.length;
            opts.onProgress?.({ done, total });
          }
        }
      },
    );
  } catch (e) {
    return { ok: false, error: `Nothing was imported: ${errorText(e)}` };
  }
  const settingsError = await applySettings(preview.settings);
  // Best effort: the badge shows today's total; a closed worker reads the new rows when it next starts.
  await Promise.resolve()
    .then(() => browser.runtime.sendMessage({ type: 'refresh-badge' }))
    .catch(() => {});
  if (settingsError) {
    return { ok: false, error: `The history was imported, but the settings could not be saved: ${settingsError}` };
  }
  return { ok: true, written: total };
}

/** Writes the file's settings; on failure puts back the ones stored before and returns why. */
async function applySettings(settings: ExportSettings): Promise<string | undefined> {
  const before = await Promise.all([settingsItem.getValue(), sitesItem.getValue()]);
  try {
    await saveSettings(settings.privacy);
    await saveTrackedSites(mergeSites(await getTrackedSites(), settings.sites));
    return undefined;
  } catch (e) {
    await Promise.all([settingsItem.setValue(before[0]), sitesItem.setValue(before[1])]).catch(() => {});
    return errorText(e);
  }
}

/** Union by origin; a site in both keeps the file's name, kind and paused state. */
export function mergeSites(stored: readonly TrackedSite[], fromFile: readonly TrackedSite[]): TrackedSite[] {
  const byOrigin = new Map(stored.map((s) => [s.origin, s]));
  for (const s of fromFile) byOrigin.set(s.origin, s);
  return [...byOrigin.values()];
}

/** Rows the file holds per table, valid or not: "1,204 tasks" in messages. */
export function totalRecords(preview: ImportPreview): number {
  return TABLE_NAMES.reduce((n, t) => n + rowCount(preview.counts[t]), 0);
}

export const rowCount = (c: TableCounts) => c.new + c.updated + c.identical + c.invalid;

/** An error in one line: Dexie appends inner failures to the message on new lines. */
const errorText = (e: unknown) =>
  e instanceof Error ? `${e.name === 'Error' ? '' : `${e.name}: `}${e.message.split('\n')[0]!.trim()}` : String(e);

/** An object as JSON.parse makes them (not an array, not null). */
function isPlainObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/**
 * Equal as JSON data: same keys with equal values, in any order; a key set to undefined counts as absent (as
 * in the export, which drops it). Rows are plain data from IndexedDB or JSON.parse: no dates, maps or cycles.
 */
export function isDeepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => isDeepEqual(x, b[i]));
  }
  if (!isPlainObject(a) || !isPlainObject(b)) return false;
  const keys = (o: Record<string, unknown>) => Object.keys(o).filter((k) => o[k] !== undefined);
  const ka = keys(a);
  return ka.length === keys(b).length && ka.every((k) => Object.hasOwn(b, k) && isDeepEqual(a[k], b[k]));
}

/** What a value is, in words: "text", "a number", "missing"… */
function kindOf(x: unknown): string {
  if (x === undefined) return 'missing';
  if (x === null) return 'null';
  if (Array.isArray(x)) return 'a list';
  if (typeof x === 'string') return 'text';
  if (typeof x === 'object') return 'an object';
  return `a ${typeof x}`;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let x = root;
  for (const key of path)
    x = isPlainObject(x) || Array.isArray(x) ? (x as Record<PropertyKey, unknown>)[key] : undefined;
  return x;
}

/**
 * A Zod issue in plain words. zod/mini carries no message texts (its locales are not loaded, to keep bundles
 * small), so the words are made here from the issue's code and details. `withPath` prefixes the field's path.
 */
export function describeIssue(issue: z.core.$ZodIssue, root: unknown, withPath = true): string {
  const where = withPath && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  const value = valueAt(root, issue.path);
  const what = (() => {
    switch (issue.code) {
      case 'invalid_type':
        return value === undefined
          ? `${issue.expected} required but missing`
          : `expected ${issue.expected}, got ${kindOf(value)}`;
      case 'unrecognized_keys':
        return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}`;
      case 'too_big':
        return `${issue.origin === 'string' ? 'longer' : 'larger'} than allowed (at most ${String(issue.maximum)})`;
      case 'too_small':
        return `${issue.origin === 'string' ? 'shorter' : 'smaller'} than allowed (at least ${String(issue.minimum)})`;
      case 'invalid_format':
        return `${JSON.stringify(value)} is not in the expected form (${issue.format === 'regex' ? 'pattern' : issue.format})`;
      case 'invalid_value':
        return `${JSON.stringify(value)} is not one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
      case 'invalid_key':
        return 'a key that is not allowed here';
      case 'invalid_element':
      case 'invalid_union':
      case 'not_multiple_of':
        return 'not a valid value';
      case 'custom':
        return issue.message || 'not a valid value';
      default:
        return 'not a valid value';
    }
  })();
  return where + what;
}
