// Turns stored a day to a record (utils/turn-store.ts): whatever is put, deleted or moved, every bundle
// holds exactly the turns of its day, its indexes name exactly those turns and their conversations,
// and the readers return rows as if they were stored one per record.
import { describe, expect, it } from 'vitest';
import type { Turn } from '@/utils/records';
import {
  allTurns,
  BUNDLE_ROWS,
  bundleGroupOf,
  bundleTurns,
  countTurns,
  deleteTurns,
  deleteTurnsOfConversations,
  getTurn,
  getTurns,
  groupOfKey,
  makeBundle,
  putTurns,
  turnBundles,
  turnDaySpan,
  turnsInDays,
  turnsOfConversations,
  TurnWriter,
} from '@/utils/turn-store';
import { freshDb } from './helpers';

const A = 'https://a.example';
const B = 'https://b.example';

function turn(id: string, day: string, site = A, conversationId: string | undefined = `${site}|p:${day}`): Turn {
  return {
    id: `${site}|${id}`,
    site,
    day,
    at: new Date(`${day}T10:00:00`).getTime(),
    format: 'openai-chat',
    transport: 'fetch',
    inputTokens: 10,
    outputTokens: 5,
    source: 'exact',
    status: 'complete',
    apiOrigin: site,
    ...(conversationId ? { conversationId } : {}),
  };
}

/**
 * Every bundle is what makeBundle makes of its rows, is neither empty nor over full, and every row is in a
 * bundle of its day.
 */
async function expectConsistent(db: ReturnType<typeof freshDb>) {
  for (const b of await turnBundles(db).toArray()) {
    expect(b.rows.length, b.key).toBeGreaterThan(0);
    expect(b.rows.length, b.key).toBeLessThanOrEqual(BUNDLE_ROWS);
    expect(b).toEqual(makeBundle(b.key, b.rows));
    for (const r of b.rows) expect(bundleGroupOf(r)).toBe(groupOfKey(b.key));
  }
}

const ids = (rows: readonly Turn[]) => rows.map((r) => r.id).sort();

/** Four turns of three conversations over two days and two sites (conversation c1 spans both days). */
async function withConversations() {
  const db = freshDb();
  await putTurns(db, [
    turn('1', '2026-11-24', A, 'c1'),
    turn('2', '2026-11-24', A, 'c2'),
    turn('3', '2026-11-25', A, 'c1'),
    turn('4', '2026-11-25', B, 'c3'),
  ]);
  return db;
}

describe('turn store', () => {
  it('stores a day (of every site) to a record, and reads back exactly the rows put', async () => {
    const db = freshDb();
    const rows = [
      turn('1', '2026-11-24'),
      turn('2', '2026-11-24'),
      turn('3', '2026-11-24', B),
      turn('4', '2026-11-25'),
      turn('5', '2026-11-26', B, undefined),
    ];
    await putTurns(db, rows);
    expect((await turnBundles(db).toCollection().primaryKeys()).sort()).toEqual([
      '2026-11-24|0000',
      '2026-11-25|0000',
      '2026-11-26|0000',
    ]);
    await expectConsistent(db);
    expect(ids(await allTurns(db))).toEqual(ids(rows));
    expect(await countTurns(db)).toBe(5);
    expect(await getTurn(db, `${A}|4`)).toEqual(rows[3]);
    expect(await getTurn(db, `${A}|nope`)).toBeUndefined();
    expect([...(await getTurns(db, [`${A}|1`, `${B}|3`, 'x'])).keys()].sort()).toEqual([`${A}|1`, `${B}|3`]);
    expect(await turnDaySpan(db)).toEqual({ first: '2026-11-24', last: '2026-11-26' });
  });

  it('reads a range of days inclusively, whatever the sites, and nothing either side', async () => {
    const db = freshDb();
    await putTurns(db, [
      turn('1', '2026-11-23'),
      turn('2', '2026-11-24', B),
      turn('3', '2026-11-25'),
      turn('4', '2026-11-26'),
    ]);
    expect(ids(await turnsInDays(db, '2026-11-24', '2026-11-25'))).toEqual([`${A}|3`, `${B}|2`]);
    expect(await turnsInDays(db, '2026-11-27', '2026-12-31')).toEqual([]);
  });

  it("finds a task's turns by their conversations, not the other turns sharing their bundles", async () => {
    const db = await withConversations();
    expect(ids(await turnsOfConversations(db, ['c1', 'c3']))).toEqual([`${A}|1`, `${A}|3`, `${B}|4`]);
    expect(await turnsOfConversations(db, [])).toEqual([]);
  });

  it('replaces a turn by id, moving it when its day changed, and drops a bundle left empty', async () => {
    const db = freshDb();
    await putTurns(db, [turn('1', '2026-11-24'), turn('2', '2026-11-24')]);
    await putTurns(db, [{ ...turn('1', '2026-11-25'), inputTokens: 99 }]);
    await expectConsistent(db);
    expect(await countTurns(db)).toBe(2);
    expect(await getTurn(db, `${A}|1`)).toMatchObject({ day: '2026-11-25', inputTokens: 99 });
    await putTurns(db, [turn('2', '2026-11-25')]);
    expect(await turnBundles(db).toCollection().primaryKeys()).toEqual(['2026-11-25|0000']);
    await expectConsistent(db);
  });

  it('deletes by id, says how many were stored, and keeps the rest of each bundle', async () => {
    const db = freshDb();
    await putTurns(db, [turn('1', '2026-11-24'), turn('2', '2026-11-24'), turn('3', '2026-11-25')]);
    expect(await deleteTurns(db, [`${A}|1`, `${A}|3`, `${A}|missing`])).toBe(2);
    expect(ids(await allTurns(db))).toEqual([`${A}|2`]);
    expect(await turnBundles(db).count()).toBe(1);
    await expectConsistent(db);
    expect(await deleteTurns(db, [`${A}|2`])).toBe(1);
    expect(await countTurns(db)).toBe(0);
    expect(await turnDaySpan(db)).toBeUndefined();
  });

  it("deletes a conversation's turns from every bundle they are in, and nothing else", async () => {
    const db = await withConversations();
    expect((await deleteTurnsOfConversations(db, ['c1', 'nope'])).sort()).toEqual([`${A}|1`, `${A}|3`]);
    expect(ids(await allTurns(db))).toEqual([`${A}|2`, `${B}|4`]);
    expect(await turnBundles(db).count()).toBe(2);
    await expectConsistent(db);
    expect(await deleteTurnsOfConversations(db, [])).toEqual([]);
  });

  it('the same id twice in one write keeps the later row, once', async () => {
    const db = freshDb();
    await putTurns(db, [turn('1', '2026-11-24'), { ...turn('1', '2026-11-24'), outputTokens: 7 }]);
    expect(await allTurns(db)).toEqual([{ ...turn('1', '2026-11-24'), outputTokens: 7 }]);
    await putTurns(db, [turn('2', '2026-11-24'), { ...turn('2', '2026-11-24'), outputTokens: 8 }]);
    expect(await countTurns(db)).toBe(2);
    expect(await getTurn(db, `${A}|2`)).toMatchObject({ outputTokens: 8 });
  });

  it(`a day with more than ${BUNDLE_ROWS} turns spreads over several records, in writes and in bulk`, async () => {
    const many = Array.from({ length: BUNDLE_ROWS + 20 }, (_, i) => turn(String(i).padStart(4, '0'), '2026-11-24'));
    // One by one, as ingest stores them: the last record fills up, then the next one starts.
    const db = freshDb();
    for (let i = 0; i < many.length; i += 100) await putTurns(db, many.slice(i, i + 100));
    expect(await turnBundles(db).toCollection().primaryKeys()).toEqual(['2026-11-24|0000', '2026-11-24|0001']);
    expect(await countTurns(db)).toBe(many.length);
    await expectConsistent(db);
    // A replaced turn stays where it is; a deleted one leaves room that new turns do not go back to.
    await putTurns(db, [{ ...many[3]!, outputTokens: 1 }]);
    expect((await turnBundles(db).get('2026-11-24|0000'))!.ids).toContain(many[3]!.id);
    await deleteTurns(db, [many[0]!.id]);
    await putTurns(db, [turn('new', '2026-11-24')]);
    expect((await turnBundles(db).get('2026-11-24|0001'))!.ids).toContain(`${A}|new`);
    await expectConsistent(db);
    // In bulk (import into an empty history, the v5 upgrade): full records, then the rest.
    expect(bundleTurns(many).map((b) => [b.key, b.rows.length])).toEqual([
      ['2026-11-24|0000', BUNDLE_ROWS],
      ['2026-11-24|0001', 20],
    ]);
  });

  it('a writer refuses a turn or a bundle it was not asked to load, instead of guessing', async () => {
    const db = freshDb();
    await putTurns(db, [turn('1', '2026-11-24')]);
    await db.transaction('rw', db.turnBundles, async () => {
      const w = new TurnWriter(db);
      await w.load([`${A}|1`, `${A}|2`], ['2026-11-25']);
      expect(w.get(`${A}|1`)).toEqual(turn('1', '2026-11-24'));
      expect(w.get(`${A}|2`)).toBeUndefined(); // looked up: not stored
      expect(() => w.get(`${A}|3`)).toThrow(/not loaded/);
      // A turn whose id was not looked up might be stored in another bundle: refused, not duplicated.
      expect(() => w.put(turn('3', '2026-11-25'))).toThrow(/not loaded/);
      expect(() => w.put(turn('2', '2026-11-26'))).toThrow(/not loaded/);
      w.put(turn('2', '2026-11-25'));
      expect(w.get(`${A}|2`)).toEqual(turn('2', '2026-11-25'));
      // Nothing is written before flush.
      expect(await countTurns(db)).toBe(1);
      await w.flush();
    });
    expect(await countTurns(db)).toBe(2);
    await expectConsistent(db);
  });
});
