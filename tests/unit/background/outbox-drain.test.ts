import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { drainOutbox } from '@/entrypoints/background/outbox-drain';
import { getDb } from '@/utils/db';
import { outboxKey } from '@/utils/outbox';
import { readOutbox } from '@/utils/outbox';
import { siteFact, SITE } from '../helpers';
import { countTurns } from '@/utils/turn-store';

beforeEach(async () => {
  await Promise.all(getDb().tables.map((t) => t.clear()));
});

describe('drainOutbox (reliability test 2)', () => {
  it('stores what closed tabs left behind, once, and empties the outbox', async () => {
    const facts = Array.from({ length: 250 }, (_, i) => siteFact({ key: `openai-chat:${i}` }));
    await fakeBrowser.storage.local.set(Object.fromEntries(facts.map((f) => [outboxKey(f), f])));
    await fakeBrowser.storage.local.set({ 'settings:theme': 'dark' }); // not ours to touch
    expect(await drainOutbox()).toBe(250);
    expect(await countTurns(getDb())).toBe(250);
    expect(await readOutbox()).toEqual([]);
    expect(await fakeBrowser.storage.local.get('settings:theme')).toEqual({ 'settings:theme': 'dark' });
    // Draining again (the same facts re-sent by a live relay) adds nothing.
    await fakeBrowser.storage.local.set(Object.fromEntries(facts.slice(0, 10).map((f) => [outboxKey(f), f])));
    expect(await drainOutbox()).toBe(0);
    expect(await countTurns(getDb())).toBe(250);
  });

  it('drops invalid entries, counts them, and keeps the valid ones', async () => {
    const good = siteFact();
    await fakeBrowser.storage.local.set({
      [outboxKey(good)]: good,
      'outbox:broken': { site: SITE, fact: { key: 'x' } },
      'outbox:junk': 'not a fact',
    });
    expect(await drainOutbox()).toBe(1);
    expect(await readOutbox()).toEqual([]);
    expect(await getDb().health.get(SITE)).toMatchObject({ rejected: 1 });
  });

  it('runs one drain at a time', async () => {
    const f = siteFact();
    await fakeBrowser.storage.local.set({ [outboxKey(f)]: f });
    const [a, b] = await Promise.all([drainOutbox(), drainOutbox()]);
    expect(a + b).toBe(2); // the same run answered both callers
    expect(await countTurns(getDb())).toBe(1);
  });
});
