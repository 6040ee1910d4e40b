import { describe, expect, it } from 'vitest';
import { ingestFacts, recordHealth } from '@/entrypoints/background/ingest';
import { freshDb, NOON, SITE, siteFact } from '../helpers';
import type { TokenwiseDB } from '@/utils/db';
import { allTurns, countTurns, getTurn } from '@/utils/turn-store';

async function rollupMatchesTurns(db: TokenwiseDB) {
  const turns = await allTurns(db);
  const daily = await db.daily.toArray();
  const expected = new Map<string, { i: number; o: number; n: number }>();
  for (const t of turns) {
    const k = `${t.day}|${t.site}|${t.source}`;
    const e = expected.get(k) ?? { i: 0, o: 0, n: 0 };
    e.i += t.inputTokens;
    e.o += t.outputTokens;
    e.n += 1;
    expected.set(k, e);
  }
  for (const d of daily) {
    const e = expected.get(d.id) ?? { i: 0, o: 0, n: 0 };
    expect([d.inputTokens, d.outputTokens, d.turns]).toEqual([e.i, e.o, e.n]);
  }
  expect(new Set(daily.filter((d) => d.turns > 0).map((d) => d.id))).toEqual(new Set(expected.keys()));
}

describe('ingestFacts', () => {
  it('stores a new fact as one turn and one daily total', async () => {
    const db = freshDb();
    const r = await ingestFacts(db, [siteFact()]);
    expect(r).toEqual({ added: 1, updated: 0, duplicates: 0 });
    const turns = await allTurns(db);
    expect(turns).toHaveLength(1);
    expect(turns[0]).toMatchObject({
      id: `${SITE}|openai-chat:chatcmpl-1`,
      day: '2026-11-25',
      inputTokens: 12,
      outputTokens: 30,
    });
    expect(await db.daily.toArray()).toEqual([
      {
        id: `2026-11-25|${SITE}|exact`,
        day: '2026-11-25',
        site: SITE,
        source: 'exact',
        inputTokens: 12,
        outputTokens: 30,
        turns: 1,
        unpricedTokens: 42, // 'demo-gpt-4o' is in no price table
      },
    ]);
  });

  it('stores the same event delivered five times once (reliability test 3)', async () => {
    const db = freshDb();
    for (let i = 0; i < 5; i++) await ingestFacts(db, [siteFact()]);
    await ingestFacts(db, [siteFact(), siteFact()]); // twice in one batch too
    expect(await countTurns(db)).toBe(1);
    const [d] = await db.daily.toArray();
    expect(d).toMatchObject({ inputTokens: 12, outputTokens: 30, turns: 1 });
  });

  it('replaces an estimate of a call with its exact figures, moving the rollup with it', async () => {
    const db = freshDb();
    await ingestFacts(db, [siteFact({ source: 'estimated', inputTokens: 10, outputTokens: 25, status: 'aborted' })]);
    const r = await ingestFacts(db, [siteFact({ startedAt: NOON + 86_400_000 })]);
    expect(r.updated).toBe(1);
    const [t] = await allTurns(db);
    expect(t).toMatchObject({ source: 'exact', inputTokens: 12, outputTokens: 30, day: '2026-11-25' });
    await rollupMatchesTurns(db);
    const est = await db.daily.get(`2026-11-25|${SITE}|estimated`);
    expect(est).toMatchObject({ inputTokens: 0, outputTokens: 0, turns: 0 });
  });

  it('never lets a later estimate overwrite exact figures', async () => {
    const db = freshDb();
    await ingestFacts(db, [siteFact()]);
    const r = await ingestFacts(db, [siteFact({ source: 'estimated', outputTokens: 99 })]);
    expect(r.duplicates).toBe(1);
    expect((await allTurns(db))[0]).toMatchObject({ source: 'exact', outputTokens: 30 });
  });

  it('keeps rollups equal to the sum of turns over a mixed burst', async () => {
    const db = freshDb();
    const facts = Array.from({ length: 60 }, (_, i) =>
      siteFact({
        key: `openai-chat:id-${i % 40}`,
        outputTokens: 10 + (i % 7),
        source: i % 3 === 0 ? 'estimated' : 'exact',
        startedAt: NOON + (i % 4) * 86_400_000,
      }),
    );
    await ingestFacts(db, facts.slice(0, 30));
    await ingestFacts(db, facts.slice(30));
    await ingestFacts(db, facts.slice(10, 50));
    expect(await countTurns(db)).toBe(40);
    await rollupMatchesTurns(db);
  });

  it('marks the site as recognised now', async () => {
    const db = freshDb();
    await ingestFacts(db, [siteFact()], 1234);
    expect(await db.health.get(SITE)).toMatchObject({ lastRecognisedAt: 1234, unrecognised: 0, rejected: 0 });
  });

  it('writes nothing when the transaction fails part-way', async () => {
    const db = freshDb();
    await ingestFacts(db, [siteFact()]);
    const before = { turns: await allTurns(db), daily: await db.daily.toArray() };
    const bad = siteFact({ key: 'openai-chat:second' });
    // A row the table refuses (duplicate primary key is impossible with put; break the key instead).
    (bad as { site: unknown }).site = undefined;
    await expect(ingestFacts(db, [siteFact({ key: 'openai-chat:first' }), bad])).rejects.toThrow();
    expect({ turns: await allTurns(db), daily: await db.daily.toArray() }).toEqual(before);
  });
});

describe('recordHealth', () => {
  it('accumulates unrecognised and rejected counts', async () => {
    const db = freshDb();
    await recordHealth(db, SITE, { unrecognised: 2, rejected: 0, lastContentType: 'application/json' }, 10);
    await recordHealth(db, SITE, { unrecognised: 0, rejected: 3 }, 20);
    expect(await db.health.get(SITE)).toEqual({
      site: SITE,
      unrecognised: 2,
      rejected: 3,
      lastUnrecognisedAt: 10,
      lastUnrecognisedType: 'application/json',
    });
  });
});

describe('background calls', () => {
  it('are stored labelled and counted apart in the rollup, and move with their row', async () => {
    const db = freshDb();
    await ingestFacts(db, [
      siteFact({ key: 'openai-chat:user' }),
      siteFact({ key: 'openai-chat:title', background: true }),
    ]);
    const [d] = await db.daily.toArray();
    expect(d).toMatchObject({ turns: 2, inputTokens: 24, outputTokens: 60, backgroundTurns: 1, backgroundTokens: 42 });
    expect((await getTurn(db, `${SITE}|openai-chat:title`))?.background).toBe(true);
    expect((await getTurn(db, `${SITE}|openai-chat:user`))?.background).toBeUndefined();
    await rollupMatchesTurns(db);
  });
});

describe('agent run snapshots', () => {
  it('update one row as a polled job’s cumulative usage grows, never adding', async () => {
    const db = freshDb();
    const poll = (input: number, output: number, runStatus: 'running' | 'completed', calls: number) =>
      siteFact({
        key: 'usage-json:job_1',
        format: 'usage-json',
        inputTokens: input,
        outputTokens: output,
        runId: 'job_1',
        runStatus,
        snapshot: true,
        toolCalls: { 'email.move': calls },
      });
    await ingestFacts(db, [poll(100, 10, 'running', 1)]);
    await ingestFacts(db, [poll(300, 40, 'running', 3)]);
    await ingestFacts(db, [poll(300, 40, 'running', 3)]); // the same poll answer again
    await ingestFacts(db, [poll(520, 90, 'running', 11)]);
    await ingestFacts(db, [poll(520, 90, 'completed', 11)]); // only the status changed
    const turns = await allTurns(db);
    expect(turns).toHaveLength(1);
    expect(turns[0]).toMatchObject({
      inputTokens: 520,
      outputTokens: 90,
      runStatus: 'completed',
      toolCalls: { 'email.move': 11 },
    });
    const [d] = await db.daily.toArray();
    expect(d).toMatchObject({ inputTokens: 520, outputTokens: 90, turns: 1 });
  });
});
