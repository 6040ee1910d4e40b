// The real tokenizer in the background: o200k counts replace the hook's estimate on the same row, and every
// rollup (daily totals, conversation, task) still equals the sum of its turns afterwards.
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import bpe from 'gpt-tokenizer/bpeRanks/o200k_base';
import { ingestFacts } from '@/entrypoints/background/ingest';
import {
  applyPendingCounts,
  o200k,
  resetPendingCounts,
  setRanksLoader,
  tokenizeTurn,
} from '@/entrypoints/background/tokenize';
import type { TokenwiseDB } from '@/utils/db';
import { freshDb, NOON, siteFact } from '../helpers';
import { allTurns, countTurns, getTurn } from '@/utils/turn-store';
import { allConversations } from '@/utils/conversation-store';
import { allTasks } from '@/utils/task-store';

const SITE = 'https://chatgpt.com';
const KEY = 'chatgpt-web:c-1:a-1';
const estimated = (over = {}) =>
  siteFact(
    { key: KEY, format: 'chatgpt-web', model: 'gpt-5', inputTokens: 20, outputTokens: 9, source: 'estimated', ...over },
    SITE,
  );
const count = (over = {}) => ({
  type: 'count' as const,
  site: SITE,
  key: KEY,
  prompt: 'What are tokens? <|endoftext|> and <|im_start|> are just text here.',
  reply: 'Tokens are pieces of text. 東京は晴れ 🌤️ — déjà vu.',
  contextTokens: 7,
  ...over,
});

async function rollupsMatchTurns(db: TokenwiseDB) {
  const turns = await allTurns(db);
  const sum = (f: (t: (typeof turns)[number]) => boolean) =>
    turns.filter(f).reduce((a, t) => [a[0]! + t.inputTokens, a[1]! + t.outputTokens], [0, 0]);
  for (const d of await db.daily.toArray())
    expect([d.inputTokens, d.outputTokens], d.id).toEqual(sum((t) => `${t.day}|${t.site}|${t.source}` === d.id));
  for (const c of await allConversations(db))
    expect([c.inputTokens, c.outputTokens], c.id).toEqual(sum((t) => t.conversationId === c.id));
  for (const k of await allTasks(db)) {
    const convs = new Set((await allConversations(db)).filter((c) => c.taskId === k.id).map((c) => c.id));
    expect([k.inputTokens, k.outputTokens], k.id).toEqual(sum((t) => convs.has(t.conversationId!)));
  }
}

beforeAll(() => setRanksLoader(async () => bpe));
beforeEach(() => resetPendingCounts());

describe('o200k counter', () => {
  it('counts exactly as gpt-tokenizer’s o200k_base, and special-token strings as plain text (no throw)', async () => {
    const c = await o200k();
    for (const s of [
      'hello world',
      'def f(x):\n    return x * 2\n',
      '{"a": [1, 2, 3]}',
      '東京は晴れ',
      '🌤️🎉',
      'déjà vu',
    ])
      expect(c(s)).toBe(countTokens(s));
    expect(() => c('<|endoftext|> <|im_start|>user<|im_end|>')).not.toThrow();
    expect(c('<|endoftext|>')).toBeGreaterThan(1); // as text: several tokens, not the one special token
  });

  it('a failed load is retried on the next count', async () => {
    let calls = 0;
    setRanksLoader(async () => {
      calls++;
      if (calls === 1) throw new Error('offline');
      return bpe;
    });
    await expect(o200k()).rejects.toThrow('offline');
    await expect(o200k().then((c) => c('hi'))).resolves.toBe(countTokens('hi'));
    setRanksLoader(async () => bpe);
  });
});

describe('tokenizeTurn', () => {
  it('updates the estimated turn to tokenized counts, and every rollup follows', async () => {
    const db = freshDb();
    await ingestFacts(db, [siteFact({ key: 'chatgpt-web:c-1:a-0', format: 'chatgpt-web', source: 'estimated' }, SITE)]);
    await ingestFacts(db, [estimated()]);
    await rollupsMatchTurns(db);
    expect(await tokenizeTurn(db, count(), NOON)).toBe(true);
    const t = (await getTurn(db, `${SITE}|${KEY}`))!;
    const m = count();
    expect(t).toMatchObject({
      source: 'tokenized',
      inputTokens: 7 + countTokens(m.prompt, { allowedSpecial: new Set(), disallowedSpecial: new Set() }) + 4,
      outputTokens: countTokens(m.reply),
      model: 'gpt-5',
    });
    expect(await countTurns(db)).toBe(2);
    await rollupsMatchTurns(db);
    const daily = await db.daily.toArray();
    expect(daily.find((d) => d.source === 'estimated')?.turns).toBe(1);
    expect(daily.find((d) => d.source === 'tokenized')?.turns).toBe(1);
  });

  it('a count that arrives before its fact waits and is applied when the fact is delivered', async () => {
    const db = freshDb();
    expect(await tokenizeTurn(db, count(), NOON)).toBe(false);
    await ingestFacts(db, [estimated()]);
    expect(await applyPendingCounts(db, [estimated()])).toBe(1);
    expect((await getTurn(db, `${SITE}|${KEY}`))!.source).toBe('tokenized');
    await rollupsMatchTurns(db);
  });

  it('the same turn delivered again as an estimate (replay, second tab, reload) stays tokenized, counted once', async () => {
    const db = freshDb();
    await ingestFacts(db, [estimated()]);
    await tokenizeTurn(db, count(), NOON);
    const before = await getTurn(db, `${SITE}|${KEY}`);
    const r = await ingestFacts(db, [estimated({ inputTokens: 3 })]);
    expect(r.duplicates).toBe(1);
    expect(await getTurn(db, `${SITE}|${KEY}`)).toEqual(before);
    expect(await tokenizeTurn(db, count({ reply: 'other' }), NOON)).toBe(false); // already tokenized
    await rollupsMatchTurns(db);
  });
});
