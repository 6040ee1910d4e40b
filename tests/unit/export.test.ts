// exportAll: one versioned JSON file built page by page, valid against both the Zod schema and the committed
// JSON Schema (checked by an independent validator, Ajv); and the two CSV exports.
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { exportAll, exportDailyCsv, exportFileName, exportTasksCsv, type ExportProgress } from '@/utils/export';
import { ExportFile, TABLE_NAMES } from '@/utils/export-format';
import { sampleTables, seedSample, SAMPLE_PRIVACY, SAMPLE_SITES } from '../fixtures/export/history';
import { freshDb } from './helpers';
import { putTurns, turnBundles } from '@/utils/turn-store';
import { countRows } from '@/utils/bundle-store';
import { BUNDLED, storedTableOf } from '@/utils/bundled-tables';

beforeEach(() => {
  vi.spyOn(fakeBrowser.runtime, 'getManifest').mockReturnValue({ manifest_version: 3, name: 'T', version: '0.4.2' });
});

const NOW = new Date(2026, 10, 25, 23, 30);

describe('exportAll', () => {
  it('writes the header, the settings and every table in key order', async () => {
    const db = freshDb();
    await seedSample(db);
    const blob = await exportAll(db, { now: NOW });
    expect(blob.type).toBe('application/json');
    const file = ExportFile.parse(JSON.parse(await blob.text()));
    expect(file).toMatchObject({
      format: 'tokenwise-export',
      formatVersion: 1,
      exportedAt: NOW.toISOString(),
      appVersion: '0.4.2',
      settings: { privacy: SAMPLE_PRIVACY, sites: SAMPLE_SITES },
    });
    const tables = sampleTables();
    // Bundled rows in their bundles' order, then by id (turns: day and site; conversations: the UTC day they
    // started); every other table by its key.
    const sortKey = (t: string, r: Record<string, unknown>) => {
      const kind = BUNDLED[t as keyof typeof BUNDLED];
      return kind ? `${kind.groupOf(r as { id: string })}|${String(r.id)}` : String(r[t === 'health' ? 'site' : 'id']);
    };
    for (const t of TABLE_NAMES) {
      const rows = tables[t] as Record<string, unknown>[];
      const sorted = [...rows].sort((a, b) => sortKey(t, a).localeCompare(sortKey(t, b)));
      expect(file.tables[t], t).toEqual(sorted);
    }
  });

  it('pages through big tables, reporting progress and yielding between pages; same file as one page', async () => {
    const db = freshDb();
    const base = sampleTables().turns[0]!;
    await putTurns(
      db,
      Array.from({ length: 25 }, (_, i) => ({ ...base, id: `k${String(i).padStart(2, '0')}` })),
    );
    const progress: ExportProgress[] = [];
    const timeout = vi.spyOn(globalThis, 'setTimeout');
    const paged = await exportAll(db, { now: NOW, pageSize: 10, onProgress: (p) => progress.push(p) });
    expect(progress.map((p) => p.done)).toEqual([10, 20, 25]);
    expect(progress.every((p) => p.total === 25 && p.table === 'turns')).toBe(true);
    expect(timeout).toHaveBeenCalledTimes(3);
    const whole = await exportAll(db, { now: NOW, pageSize: 1000 });
    expect(await paged.text()).toBe(await whole.text());
    expect(JSON.parse(await paged.text()).tables.turns.map((t: { id: string }) => t.id)).toEqual(
      Array.from({ length: 25 }, (_, i) => `k${String(i).padStart(2, '0')}`),
    );
  });

  it('reads ahead across tables: a table ending exactly on a page boundary, then the others, as one page', async () => {
    const db = freshDb();
    await seedSample(db);
    const base = sampleTables().turns[0]!;
    await turnBundles(db).clear();
    await putTurns(
      db,
      Array.from({ length: 20 }, (_, i) => ({ ...base, id: `k${String(i).padStart(2, '0')}` })),
    );
    const paged = await (await exportAll(db, { now: NOW, pageSize: 10 })).text();
    expect(paged).toBe(await (await exportAll(db, { now: NOW, pageSize: 1000 })).text());
    const file = ExportFile.parse(JSON.parse(paged));
    expect(file.tables.turns).toHaveLength(20);
    for (const t of TABLE_NAMES) {
      const kind = BUNDLED[t];
      expect(file.tables[t].length, t).toBe(kind ? await countRows(db, kind) : await db.table(t).count());
    }
  });

  it('covers every Dexie table (a new table must be added to the export format)', () => {
    // Turns and conversations are stored in bundles and exported as rows.
    expect(
      freshDb()
        .tables.map((t) => t.name)
        .sort(),
    ).toEqual(TABLE_NAMES.map(storedTableOf).sort());
  });

  it('an empty database exports valid empty tables', async () => {
    const file = ExportFile.parse(JSON.parse(await (await exportAll(freshDb(), { now: NOW })).text()));
    expect(Object.values(file.tables).every((rows) => rows.length === 0)).toBe(true);
  });

  it('validates against docs/export-schema.json with an independent JSON Schema validator', async () => {
    const schema = JSON.parse(readFileSync(new URL('../../docs/export-schema.json', import.meta.url), 'utf8'));
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats.default(ajv);
    const validate = ajv.compile(schema);
    const db = freshDb();
    await seedSample(db);
    const file = JSON.parse(await (await exportAll(db, { now: NOW })).text());
    expect(validate(file), ajv.errorsText(validate.errors)).toBe(true);
    // And the schema is not vacuous: a wrong type, an unknown field and a bad day are each caught.
    file.tables.turns[0].inputTokens = 'many';
    file.tables.tasks[0].extra = true;
    file.tables.daily[0].day = '25/11/2026';
    expect(validate(file)).toBe(false);
    expect(validate.errors?.map((e) => e.instancePath).sort()).toEqual(
      expect.arrayContaining(['/tables/daily/0/day', '/tables/tasks/0', '/tables/turns/0/inputTokens']),
    );
  });
});

describe('exportFileName', () => {
  it.each([
    ['export', 'tokenwise-export-2026-11-25.json'],
    ['tasks', 'tokenwise-tasks-2026-11-25.csv'],
    ['daily', 'tokenwise-daily-2026-11-25.csv'],
  ] as const)('%s → %s (local date)', (kind, name) => {
    expect(exportFileName(kind, NOW)).toBe(name);
  });
});

describe('CSV exports', () => {
  it('tasks: one row per task, oldest first, with sites, outcome, note and totals; formulas defused', async () => {
    const db = freshDb();
    await seedSample(db);
    const text = await (await exportTasksCsv(db)).text();
    const lines = text.replace(/^\uFEFF/, '').split('\r\n');
    expect(lines[0]).toBe(
      'id,title,kind,sites,day,created_at,last_at,outcome,note,input_tokens,output_tokens,exact_tokens,cost_usd,turns',
    );
    expect(lines.slice(1, -1)).toHaveLength(3);
    expect(lines[1]).toMatch(/^t\|orphan,,chat,https:\/\/chat\.acme-corp\.example,2026-11-23,/);
    // A title that looks like a formula is kept as text; quotes and line breaks are quoted.
    expect(text).toContain(`"'=HYPERLINK(""x"") Draft the Q3 memo"`);
    expect(text).toContain('"Sent, line 2\nwith a ""quote"""');
    // The manual task spans both sites of its conversations.
    expect(text).toContain(
      'm|1764081000000,Checkout release,manual,https://agents.acme-corp.example https://chat.acme-corp.example,2026-11-25,',
    );
    expect(text.endsWith(',3120,912,4032,0.0177,3\r\n')).toBe(true);
  });

  it('daily totals: day, site, source, tokens, turns, cost', async () => {
    const db = freshDb();
    await seedSample(db);
    const lines = (await (await exportDailyCsv(db)).text()).replace(/^\uFEFF/, '').split('\r\n');
    expect(lines[0]).toBe('day,site,source,input_tokens,output_tokens,turns,cost_usd');
    expect(lines).toContain('2026-11-24,https://chat.acme-corp.example,estimated,1020,302,1,');
    expect(lines).toContain('2026-11-25,https://agents.acme-corp.example,exact,1050,305,1,0.006');
    expect(lines.slice(1, -1).map((l) => l.slice(0, 10))).toEqual(
      [...lines.slice(1, -1).map((l) => l.slice(0, 10))].sort(),
    );
  });
});
