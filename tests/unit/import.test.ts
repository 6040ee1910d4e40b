// Import: reliability tests 18 (round trip), 19 (idempotent), 20 (corrupt files), 21 (abort mid-write) and
// 22 (every shipped export format), against fake-indexeddb and WXT's fake storage.
import { readdirSync, readFileSync } from 'node:fs';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { exportAll } from '@/utils/export';
import { EXPORT_FORMAT_VERSION, TABLE_NAMES } from '@/utils/export-format';
import { applyImport, checkImport, mergeSites, type ImportPreview } from '@/utils/import';
import { getSettings } from '@/utils/settings';
import { getTrackedSites, saveTrackedSites } from '@/utils/sites-store';
import { wipeHistory } from '@/utils/wipe';
import {
  checksum,
  dumpState,
  sampleTables,
  seedSample,
  CHAT,
  SAMPLE_PRIVACY,
  SAMPLE_SITES,
} from '../fixtures/export/history';
import { freshDb } from './helpers';
import { allTurns, countTurns, getTurn } from '@/utils/turn-store';
import { getTask, putTasks } from '@/utils/task-store';

const FIXTURES = new URL('../fixtures/export/', import.meta.url);
const sent: unknown[] = [];

beforeEach(() => {
  sent.length = 0;
  vi.spyOn(fakeBrowser.runtime, 'getManifest').mockReturnValue({ manifest_version: 3, name: 'T', version: '0.1.0' });
  vi.spyOn(fakeBrowser.runtime, 'sendMessage').mockImplementation(async (msg: unknown) => {
    sent.push(msg);
    return { ok: true };
  });
});

async function exportedText(db = freshDb()) {
  await seedSample(db);
  return { db, text: await (await exportAll(db)).text() };
}

async function preview(file: string | Blob, db = freshDb()): Promise<ImportPreview> {
  const r = await checkImport(file, db);
  if (!r.ok) throw new Error(r.error);
  return r.preview;
}

describe('checkImport + applyImport', () => {
  it('18: export → wipe → import gives back every table and every setting', async () => {
    const { db, text } = await exportedText();
    const before = await dumpState(db);
    await wipeHistory(db);
    expect(await countTurns(db)).toBe(0);
    expect(await getSettings()).not.toEqual(SAMPLE_PRIVACY);

    const p = await preview(text, db);
    expect(p.counts.turns).toEqual({ new: 6, updated: 0, identical: 0, invalid: 0 });
    const result = await applyImport(p, db);
    expect(result).toEqual({ ok: true, written: 19 });
    expect(await dumpState(db)).toEqual(before);
    expect(await getSettings()).toEqual(SAMPLE_PRIVACY);
    expect(await getTrackedSites()).toEqual(SAMPLE_SITES);
    expect(sent).toContainEqual({ type: 'refresh-badge' });
  });

  it('reports its progress after each chunk, up to every row it writes', async () => {
    const { db, text } = await exportedText();
    await wipeHistory(db);
    const seen: { done: number; total: number }[] = [];
    const result = await applyImport(await preview(text, db), db, {
      chunkSize: 4,
      onProgress: (p) => seen.push(p),
    });
    expect(result).toEqual({ ok: true, written: 19 });
    expect(seen.every((p) => p.total === 19)).toBe(true);
    expect(seen.map((p) => p.done)).toEqual([...seen.map((p) => p.done)].sort((a, b) => a - b));
    expect(seen.at(-1)!.done).toBe(19);
    expect(seen.length).toBeGreaterThanOrEqual(5); // 19 rows over several tables, 4 at a time
  });

  it('18: into another profile (a fresh database) too', async () => {
    const { text, db } = await exportedText();
    const before = await dumpState(db);
    const other = freshDb();
    expect(await applyImport(await preview(text, other), other)).toMatchObject({ ok: true });
    expect((await dumpState(other)).tables).toEqual(before.tables);
  });

  it('19: importing the same file twice: the second preview is all "already here" and applying changes nothing', async () => {
    const { text } = await exportedText();
    const target = freshDb();
    await applyImport(await preview(text, target), target);
    const sum = await checksum(target);

    const second = await preview(text, target);
    for (const t of TABLE_NAMES) {
      expect(second.counts[t].new, t).toBe(0);
      expect(second.counts[t].updated, t).toBe(0);
      expect(second.changes[t]).toEqual([]);
    }
    expect(second.counts.tasks.identical).toBe(3);
    expect(await applyImport(second, target)).toEqual({ ok: true, written: 0 });
    expect(await checksum(target)).toBe(sum);
  });

  it('counts a changed record as updated, and the file wins', async () => {
    const { text, db } = await exportedText();
    await putTasks(db, [{ ...(await getTask(db, 't|orphan'))!, outcome: 'done', note: 'changed here' }]);
    const p = await preview(text, db);
    expect(p.counts.tasks).toEqual({ new: 0, updated: 1, identical: 2, invalid: 0 });
    await applyImport(p, db);
    const task = await getTask(db, 't|orphan');
    expect(task?.outcome).toBe('abandoned');
    expect(task?.note).toBeUndefined();
  });

  it('leaves records that are only in the database alone (import adds and updates, never deletes)', async () => {
    const { text, db } = await exportedText();
    const extra = { ...sampleTables().tasks[2]!, id: 't|only-here' };
    await putTasks(db, [extra]);
    await applyImport(await preview(text, db), db);
    expect(await getTask(db, 't|only-here')).toEqual(extra);
  });

  it('merges the tracked sites: union by origin, the file winning', async () => {
    const { text, db } = await exportedText();
    const mine = { origin: 'https://mine.example', name: 'Mine', kind: 'chat' as const, paused: false, addedAt: 1 };
    await saveTrackedSites([{ ...SAMPLE_SITES[0]!, name: 'Renamed here' }, mine]);
    await applyImport(await preview(text, db), db);
    expect(await getTrackedSites()).toEqual([SAMPLE_SITES[0], mine, SAMPLE_SITES[1]]);
    expect(mergeSites([], SAMPLE_SITES)).toEqual(SAMPLE_SITES);
  });
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the tests damage parsed JSON at will
type Json = any;

/** A valid export with `change` applied to its parsed JSON. */
async function mutated(change: (f: Json) => void): Promise<string> {
  const { text } = await exportedText();
  const f = JSON.parse(text) as Json;
  change(f);
  return JSON.stringify(f);
}

describe('20: corrupt files are refused with a message naming the problem, and nothing changes', () => {
  const cases: [string, () => Promise<string | Blob>, RegExp][] = [
    [
      'truncated JSON',
      async () => (await exportedText()).text.slice(0, 900),
      /not valid JSON \(at character [\d,]+ of 900\)/,
    ],
    ['empty file', async () => '', /empty/],
    ['not JSON at all', async () => 'PK\u0003\u0004 zip bytes', /not valid JSON/],
    ['a JSON array', async () => '[1,2,3]', /not a Tokenwise export/],
    ['wrong format tag', () => mutated((f) => (f.format = 'other-app-export')), /not a Tokenwise export/],
    ['no format version', () => mutated((f) => delete f.formatVersion), /no valid "formatVersion"/],
    [
      'newer format version',
      () => mutated((f) => (f.formatVersion = EXPORT_FORMAT_VERSION + 1)),
      new RegExp(`needs Tokenwise with export format v${EXPORT_FORMAT_VERSION + 1} or newer`),
    ],
    [
      'a table of the wrong type',
      () => mutated((f) => (f.tables.turns = { a: 1 })),
      /tables\.turns: expected array, got an object/,
    ],
    ['a missing table', () => mutated((f) => delete f.tables.daily), /tables\.daily: array required but missing/],
    [
      'settings of the wrong type',
      () => mutated((f) => (f.settings.privacy.retentionDays = 'forever')),
      /settings\.privacy\.retentionDays/,
    ],
    ['an unknown top-level key', () => mutated((f) => (f.extra = 1)), /unknown field "extra"/],
    [
      'a top-level __proto__ key',
      async () => (await exportedText()).text.replace('{', '{"__proto__":{"polluted":true},'),
      /unknown field "__proto__"/,
    ],
  ];

  it.each(cases)('%s', async (_name, make, message) => {
    const file = await make();
    const db = freshDb();
    await seedSample(db);
    const before = await checksum(db);
    const r = await checkImport(file, db);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(message);
    expect(await checksum(db)).toBe(before);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('an oversized file is refused before it is read', async () => {
    const db = freshDb();
    await seedSample(db);
    const before = await checksum(db);
    const blob = new Blob(['x'.repeat(2048)]);
    const text = vi.spyOn(blob, 'text');
    const r = await checkImport(blob, db, { maxBytes: 1024 });
    expect(r).toEqual({ ok: false, error: 'The file is 0.0 MB; Tokenwise imports files of up to 0.0 MB.' });
    expect(text).not.toHaveBeenCalled();
    const big = await checkImport(new Blob(['x']), db, { maxBytes: 0 });
    expect(big.ok).toBe(false);
    expect(await checksum(db)).toBe(before);
  });

  it('the default cap is 200 MB, with sizes in the message', async () => {
    const huge = { size: 201 * 1024 * 1024, text: () => Promise.reject(new Error('must not be read')) } as Blob;
    expect(await checkImport(huge, freshDb())).toEqual({
      ok: false,
      error: 'The file is 201 MB; Tokenwise imports files of up to 200 MB.',
    });
  });

  it('wrong types inside a record: listed with table, index, field and reason; applying is refused', async () => {
    const file = await mutated((f) => {
      f.tables.turns[1].inputTokens = 'lots';
      f.tables.tasks[0].outcome = 'great';
      f.tables.conversations[2].signals.copied = 1.5;
    });
    const db = freshDb();
    const p = await preview(file, db);
    expect(p.invalidTotal).toBe(3);
    expect(p.invalid).toEqual([
      { table: 'turns', index: 1, path: 'inputTokens', reason: 'expected number, got text' },
      { table: 'conversations', index: 2, path: 'signals.copied', reason: 'expected int, got a number' },
      { table: 'tasks', index: 0, path: 'outcome', reason: '"great" is not one of "done", "partial", "abandoned"' },
    ]);
    const before = await checksum(db);
    const refused = await applyImport(p, db);
    expect(refused).toEqual({
      ok: false,
      error:
        '3 records in the file are not valid, so nothing was imported. Choose “Import the valid records only” to import the rest.',
    });
    expect(await checksum(db)).toBe(before);
  });

  it('1 bad record among 1,000: found, the rest imported only when the user confirms "valid records only"', async () => {
    const base = sampleTables().turns[0]!;
    const turns: Record<string, unknown>[] = Array.from({ length: 1000 }, (_, i) => ({
      ...base,
      id: `${CHAT}|k:${i}`,
    }));
    turns[637] = { ...turns[637], status: 'maybe' };
    const file = await mutated((f) => (f.tables.turns = turns));
    const db = freshDb();
    const p = await preview(file, db);
    expect(p.counts.turns).toEqual({ new: 999, updated: 0, identical: 0, invalid: 1 });
    expect(p.invalid).toEqual([
      { table: 'turns', index: 637, path: 'status', reason: '"maybe" is not one of "complete", "aborted"' },
    ]);
    const before = await checksum(db);
    expect((await applyImport(p, db)).ok).toBe(false);
    expect(await checksum(db)).toBe(before);

    expect(await applyImport(p, db, { validOnly: true })).toMatchObject({ ok: true });
    expect(await countTurns(db)).toBe(999);
    expect(await getTurn(db, `${CHAT}|k:637`)).toBeUndefined();
  });

  it('__proto__ and constructor keys inside records are rejected as unknown fields and pollute nothing', async () => {
    const { text } = await exportedText();
    const file = text
      .replace(
        '"id":"https://chat.acme-corp.example|openai-chat:chatcmpl-0",',
        '"__proto__":{"isAdmin":true},"id":"https://chat.acme-corp.example|openai-chat:chatcmpl-0",',
      )
      .replace(
        '"site":"https://chat.acme-corp.example","lastRecognisedAt"',
        '"constructor":{"prototype":{"x":1}},"site":"https://chat.acme-corp.example","lastRecognisedAt"',
      )
      .replace('"redactions":{"api-key":1}', '"redactions":{"api-key":1,"__proto__":7}');
    const db = freshDb();
    const p = await preview(file, db);
    const forged = (JSON.parse(text) as { tables: { turns: { id: string }[] } }).tables.turns.findIndex(
      (t) => t.id === 'https://chat.acme-corp.example|openai-chat:chatcmpl-0',
    );
    expect(forged).toBeGreaterThanOrEqual(0);
    expect(p.invalid).toEqual([
      { table: 'turns', index: forged, path: '', reason: 'unknown field "__proto__"' },
      { table: 'health', index: 1, path: '', reason: 'unknown field "constructor"' },
    ]);
    await applyImport(p, db, { validOnly: true });
    // The text row's record survives without the forged key, and no prototype anywhere was touched.
    const row = (await db.texts.toArray())[0]!;
    expect(Object.getPrototypeOf(row.redactions)).toBe(Object.prototype);
    expect(Object.keys(row.redactions)).toEqual(['api-key']);
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    expect(({} as Record<string, unknown>).x).toBeUndefined();
    for (const t of await allTurns(db)) expect(Object.getPrototypeOf(t)).toBe(Object.prototype);
  });
});

describe('21: a failure in the middle of writing leaves the database as it was', () => {
  it('a hook throwing on the 3rd new task (turns and three more tables written) aborts the whole import, settings included', async () => {
    const { text } = await exportedText();
    const db = freshDb();
    await seedSample(db, { ...sampleTables(), turns: sampleTables().turns.slice(0, 2), tasks: [] });
    await saveTrackedSites([]);
    const before = await checksum(db);
    const p = await preview(text, db);
    let n = 0;
    db.table('taskBundles').hook('creating', () => {
      if (++n === 3) throw new Error('disk full (simulated)');
    });
    const r = await applyImport(p, db, { chunkSize: 2 });
    expect(r).toEqual({ ok: false, error: 'Nothing was imported: disk full (simulated)' });
    expect(n).toBe(3);
    expect(await checksum(db)).toBe(before);
  });

  it('a quota error on the last table (after the others were written) rolls them all back', async () => {
    const { text } = await exportedText();
    const db = freshDb();
    await saveTrackedSites([]);
    const before = await checksum(db);
    const p = await preview(text, db);
    db.texts.hook('creating', () => {
      throw new DOMException('Quota exceeded', 'QuotaExceededError');
    });
    const r = await applyImport(p, db);
    expect(r).toEqual({ ok: false, error: 'Nothing was imported: QuotaExceededError: Quota exceeded' });
    expect(await checksum(db)).toBe(before);
    expect(await getTrackedSites()).toEqual([]);
  });

  it('settings that cannot be saved are put back as they were', async () => {
    const { text } = await exportedText();
    const db = freshDb();
    await saveTrackedSites([]);
    const p = await preview(text, db);
    const stored = await fakeBrowser.storage.local.get(null);
    const set = fakeBrowser.storage.local.set.bind(fakeBrowser.storage.local);
    let calls = 0;
    vi.spyOn(fakeBrowser.storage.local, 'set').mockImplementation(async (items) => {
      if (++calls === 2) throw new Error('storage unavailable');
      return set(items);
    });
    const r = await applyImport(p, db);
    expect(r).toEqual({
      ok: false,
      error: 'The history was imported, but the settings could not be saved: storage unavailable',
    });
    expect(await fakeBrowser.storage.local.get(null)).toEqual(stored);
  });
});

describe('22: every shipped export format imports', () => {
  const files = readdirSync(FIXTURES).filter((f) => /^v\d+\.json$/.test(f));

  it('there is a fixture for every version up to the current one', () => {
    expect(files.sort()).toEqual(Array.from({ length: EXPORT_FORMAT_VERSION }, (_, i) => `v${i + 1}.json`));
  });

  it.each(files)('%s', async (name) => {
    const text = readFileSync(new URL(name, FIXTURES), 'utf8');
    const db = freshDb();
    const p = await preview(new Blob([text]), db);
    expect(p.invalidTotal).toBe(0);
    expect(Object.fromEntries(TABLE_NAMES.map((t) => [t, p.counts[t].new]))).toEqual({
      turns: 6,
      daily: 4,
      health: 2,
      conversations: 3,
      tasks: 3,
      texts: 1,
    });
    expect(await applyImport(p, db)).toEqual({ ok: true, written: 19 });
    expect((await dumpState(db)).tables).toEqual((await dumpState(await seeded())).tables);
    expect(await getSettings()).toEqual(SAMPLE_PRIVACY);
    const task = await getTask(db, 'm|1764081000000');
    expect(task).toMatchObject({ kind: 'manual', title: 'Checkout release', endedAt: expect.any(Number) });
  });
});

async function seeded() {
  const db = freshDb();
  await seedSample(db);
  return db;
}
