// Reliability test 23: whatever the file holds (random JSON, or a valid export with random damage), checkImport
// and applyImport never throw to the caller, and afterwards the database is either unchanged or valid: every
// row of every table passes its schema.
import fc from 'fast-check';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { TokenwiseDB } from '@/utils/db';
import { exportAll } from '@/utils/export';
import { ROW_SCHEMAS, TABLE_NAMES } from '@/utils/export-format';
import { applyImport, checkImport, isDeepEqual } from '@/utils/import';
import { checksum, seedSample } from '../fixtures/export/history';
import { freshDb } from './helpers';
import { allRows, bundleTable, groupOfKey, makeBundleOf } from '@/utils/bundle-store';
import { BUNDLED } from '@/utils/bundled-tables';

let valid: Record<string, unknown>;
beforeAll(async () => {
  const db = freshDb();
  await seedSample(db);
  valid = JSON.parse(await (await exportAll(db)).text()) as Record<string, unknown>;
});

async function everyRowValid(db: TokenwiseDB): Promise<boolean> {
  for (const t of TABLE_NAMES) {
    const kind = BUNDLED[t];
    const rows = kind ? await allRows(db, kind) : await db.table(t).toArray();
    for (const row of rows) if (!ROW_SCHEMAS[t].safeParse(row).success) return false;
  }
  // And every bundle holds its rows where they belong, with its indexes right.
  for (const kind of Object.values(BUNDLED)) {
    for (const b of await bundleTable(db, kind).toArray()) {
      if (!isDeepEqual(b, makeBundleOf(kind, b.key, b.rows)) || b.rows.length > kind.maxRows) return false;
      if (!b.rows.every((r) => kind.groupOf(r) === groupOfKey(b.key))) return false;
    }
  }
  return true;
}

/** Runs one file through both steps, as the UI would (confirming "valid records only" when offered). */
async function importOnce(file: string) {
  vi.spyOn(fakeBrowser.runtime, 'sendMessage').mockResolvedValue(undefined);
  const db = freshDb();
  await seedSample(db);
  const before = await checksum(db);
  const checked = await checkImport(file, db);
  expect(await checksum(db)).toBe(before); // checking never writes
  if (checked.ok) {
    const applied = await applyImport(checked.preview, db, { validOnly: true });
    expect(applied.ok).toBe(true);
  } else {
    expect(checked.error).toMatch(/\w/);
  }
  expect((await checksum(db)) === before || (await everyRowValid(db))).toBe(true);
  db.close();
}

/** A path into a JSON value and a replacement for what is there. */
function mutate(root: unknown, path: number[], replacement: unknown): unknown {
  const copy = structuredClone(root);
  let node = copy as Record<string, unknown> | unknown[];
  for (const [depth, step] of path.entries()) {
    if (node === null || typeof node !== 'object') break;
    const keys = Object.keys(node);
    if (keys.length === 0) break;
    const key = keys[step % keys.length]!;
    const child = (node as Record<string, unknown>)[key];
    if (depth === path.length - 1 || child === null || typeof child !== 'object') {
      if (replacement === undefined) Reflect.deleteProperty(node, key);
      else (node as Record<string, unknown>)[key] = replacement;
      break;
    }
    node = child as Record<string, unknown>;
  }
  return copy;
}

describe('23: random input never throws and never leaves a half-valid database', () => {
  it('random JSON values', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), async (value) => importOnce(JSON.stringify(value))),
      { numRuns: 60 },
    );
  });

  it('random strings, including cut-off exports', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string(),
          fc.nat().map((n) => JSON.stringify(valid).slice(0, n)),
        ),
        importOnce,
      ),
      { numRuns: 40 },
    );
  });

  it('a valid export with random values replaced or removed anywhere (several at once)', async () => {
    const anyValue = fc.oneof(
      fc.jsonValue(),
      fc.constant(undefined),
      fc.constantFrom('__proto__', 'constructor', -1, 1e308, '', '2026-13-45', 'https://x.example'),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.array(fc.nat(50), { minLength: 1, maxLength: 6 }), anyValue), {
          minLength: 1,
          maxLength: 4,
        }),
        async (changes) => {
          let file: unknown = valid;
          for (const [path, value] of changes) file = mutate(file, path, value);
          await importOnce(JSON.stringify(file));
        },
      ),
      { numRuns: 120 },
    );
  });

  it('__proto__ keys injected anywhere', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(), async (n) => {
        const text = JSON.stringify(valid);
        const braces = [...text.matchAll(/\{/g)].map((m) => m.index);
        const at = braces[n % braces.length]! + 1;
        await importOnce(`${text.slice(0, at)}"__proto__":{"polluted":1},${text.slice(at)}`);
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      }),
      { numRuns: 40 },
    );
  });
});
