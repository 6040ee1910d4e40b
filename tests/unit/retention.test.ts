import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { TokenwiseDB } from '@/utils/db';
import { dayOf } from '@/utils/day';
import { firstKeptDay, pruneHistory } from '@/utils/retention';
import { ingestFacts } from '@/entrypoints/background/ingest';
import { freshDb, NOON, siteFact, SITE } from './helpers';
import { countTurns, turnsOfConversations } from '@/utils/turn-store';
import { allConversations, conversationsOfTasks } from '@/utils/conversation-store';
import { getTask } from '@/utils/task-store';

const DAY = 86_400_000;
let db: TokenwiseDB;
let k = 0;

/** One exact turn `daysAgo` days before NOON in the conversation `conv` (its own task). */
const at = (daysAgo: number, conv: string) => ({
  ...siteFact({ key: `openai-chat:r${k++}`, startedAt: NOON - daysAgo * DAY, inputTokens: 10, outputTokens: 5 }),
  conv,
});

beforeEach(async () => {
  fakeBrowser.reset();
  db = freshDb();
  // An old task, a task that began long ago but is still active, and a recent one.
  await ingestFacts(db, [at(100, 'old'), at(99, 'old')], NOON - 99 * DAY);
  await ingestFacts(db, [at(60, 'long')], NOON - 60 * DAY);
  await ingestFacts(db, [at(5, 'long')], NOON - 5 * DAY);
  await ingestFacts(db, [at(1, 'new')], NOON - DAY);
  await db.texts.bulkPut([
    { id: 'x|old', site: SITE, day: dayOf(NOON - 100 * DAY), at: NOON - 100 * DAY, reply: 'old text', redactions: {} },
    { id: 'x|new', site: SITE, day: dayOf(NOON - DAY), at: NOON - DAY, reply: 'new text', redactions: {} },
  ]);
});

const tokensOf = async (convKey: string) => {
  const conv = (await allConversations(db)).find((c) => c.id.endsWith(`p:${convKey}`));
  return conv ? getTask(db, conv.taskId) : undefined;
};

describe('pruneHistory', () => {
  it('keeps everything when history is kept forever', async () => {
    const before = await countTurns(db);
    expect(await pruneHistory(db, null, NOON)).toMatchObject({ keptFrom: null, turns: 0, tasks: 0 });
    expect(await countTurns(db)).toBe(before);
  });

  it('deletes tasks last active before the cut-off with their conversations, turns, daily totals and texts', async () => {
    const health = await db.health.toArray();
    const r = await pruneHistory(db, 30, NOON);
    expect(r).toMatchObject({ keptFrom: firstKeptDay(30, NOON), tasks: 1, conversations: 1, turns: 2, texts: 1 });
    expect(await tokensOf('old')).toBeUndefined();
    expect((await db.daily.toArray()).every((d) => d.day >= r.keptFrom!)).toBe(true);
    expect((await db.texts.toArray()).map((t) => t.id)).toEqual(['x|new']);
    expect(await db.health.toArray()).toEqual(health); // site health is not history: untouched
  });

  it('keeps a task still active with all its turns, so its totals still equal the sum of its turns', async () => {
    await pruneHistory(db, 30, NOON);
    const long = await tokensOf('long');
    expect(long).toBeDefined();
    const turns = await turnsOfConversations(
      db,
      (await conversationsOfTasks(db, [long!.id])).map((c) => c.id),
    );
    expect(turns).toHaveLength(2);
    expect(long!.inputTokens + long!.outputTokens).toBe(turns.reduce((n, t) => n + t.inputTokens + t.outputTokens, 0));
  });

  it('is a no-op the second time', async () => {
    await pruneHistory(db, 30, NOON);
    expect(await pruneHistory(db, 30, NOON)).toMatchObject({
      tasks: 0,
      conversations: 0,
      turns: 0,
      daily: 0,
      texts: 0,
    });
  });

  it('counts the day of the cut-off in: 1 day keeps today only', () => {
    expect(firstKeptDay(1, NOON)).toBe(dayOf(NOON));
    expect(firstKeptDay(365, NOON)).toBe(dayOf(NOON - 364 * DAY));
  });
});
