// Reliability test 14's "export still works": a database an upgrade could not bring to the current version is
// exported as it is on disk. Tables it does not have yet export empty; the file imports like any other.
import { readFileSync } from 'node:fs';
import Dexie from 'dexie';
import { describe, expect, it } from 'vitest';
import { declareVersions, openForRescue } from '@/utils/db';
import { exportAll } from '@/utils/export';
import { checkImport } from '@/utils/import';
import { freshDb } from './helpers';

const v2 = JSON.parse(readFileSync(new URL('../fixtures/db/v2.json', import.meta.url), 'utf8')) as {
  tables: Record<string, Array<Record<string, unknown>>>;
};

describe('exporting a database left at an older version', () => {
  it('writes its rows as they are, and the tables it lacks as empty', async () => {
    const name = `rescue-${Date.now()}`;
    const old = new Dexie(name);
    declareVersions(old, 2);
    for (const [table, rows] of Object.entries(v2.tables)) await old.table(table).bulkAdd(rows);
    old.close();

    const rescued = await openForRescue(name);
    expect(rescued.verno).toBe(2);
    const file = JSON.parse(await (await exportAll(rescued)).text()) as { tables: Record<string, unknown[]> };
    rescued.close();
    const byId = (rows: unknown[]) => [...(rows as { id: string }[])].sort((a, b) => (a.id < b.id ? -1 : 1));
    expect(byId(file.tables.turns!)).toEqual(byId(v2.tables.turns!));
    expect(file.tables.health).toHaveLength(v2.tables.health!.length);
    expect(file.tables.tasks).toEqual([]);
    expect(file.tables.texts).toEqual([]);

    // And a current database takes it back (its turns, at least, are valid today).
    const preview = await checkImport(JSON.stringify(file), freshDb());
    expect(preview.ok).toBe(true);
  });
});
