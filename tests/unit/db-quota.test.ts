// Reliability test 16: the disk is full while the background drains the outbox. Nothing is lost (the entry
// stays in the outbox and is stored by a later drain), nothing is half-written (the ingest transaction rolls
// back as a whole), and the pages get a clear error, cleared again by the next successful write.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { drainOutbox } from '@/entrypoints/background/outbox-drain';
import { getDb } from '@/utils/db';
import { isQuotaError, statusOf, writeErrorItem } from '@/utils/db-status';
import { outboxKey } from '@/utils/outbox';
import { readOutbox } from '@/utils/outbox';
import { siteFact } from './helpers';
import { countTurns } from '@/utils/turn-store';
import { countConversations } from '@/utils/conversation-store';
import { countTasks } from '@/utils/task-store';

beforeEach(async () => {
  await Promise.all(getDb().tables.map((t) => t.clear()));
});

const quotaError = () => new DOMException('The quota has been exceeded.', 'QuotaExceededError');

async function counts() {
  const db = getDb();
  return {
    turns: await countTurns(db),
    daily: await db.daily.count(),
    conversations: await countConversations(db),
    tasks: await countTasks(db),
    health: await db.health.count(),
  };
}
const nothing = { turns: 0, daily: 0, conversations: 0, tasks: 0, health: 0 };

describe('drainOutbox when storage is full (reliability test 16)', () => {
  it('keeps the entry, writes nothing, records a clear error, and stores it all once there is room', async () => {
    const facts = [siteFact({ key: 'openai-chat:q1' }), siteFact({ key: 'openai-chat:q2', inputTokens: 99 })];
    await fakeBrowser.storage.local.set(Object.fromEntries(facts.map((f) => [outboxKey(f), f])));
    // The last write of the transaction fails, after turns, rollups and conversations were already put.
    const spy = vi.spyOn(getDb().table('taskBundles'), 'bulkPut').mockRejectedValueOnce(quotaError());

    await expect(drainOutbox()).rejects.toThrow();
    expect(spy).toHaveBeenCalledTimes(1);
    expect(await counts()).toEqual(nothing);
    expect((await readOutbox()).map(([k]) => k).sort()).toEqual(facts.map(outboxKey).sort());

    const error = await writeErrorItem.getValue();
    expect(error).toMatchObject({ name: 'QuotaExceededError', at: expect.any(Number) });
    expect(isQuotaError(error)).toBe(true);
    expect(statusOf({ kind: 'ready' }, error)).toMatchObject({ kind: 'write-failed', name: 'QuotaExceededError' });

    // Room again: the next drain (alarm or worker start) stores both, once, and clears the error.
    expect(await drainOutbox()).toBe(2);
    expect(await counts()).toMatchObject({ turns: 2, daily: 1, conversations: 1, tasks: 1, health: 1 });
    expect(await readOutbox()).toEqual([]);
    expect(await writeErrorItem.getValue()).toBeNull();
    expect(statusOf({ kind: 'ready' }, await writeErrorItem.getValue())).toBeNull();
  });

  it('a quota error on the first write of the transaction leaves nothing either', async () => {
    const f = siteFact({ key: 'openai-chat:q3' });
    await fakeBrowser.storage.local.set({ [outboxKey(f)]: f });
    vi.spyOn(getDb().table('turnBundles'), 'bulkPut').mockRejectedValueOnce(quotaError());
    await expect(drainOutbox()).rejects.toThrow();
    expect(await counts()).toEqual(nothing);
    expect(await readOutbox()).toHaveLength(1);
    expect(await writeErrorItem.getValue()).toMatchObject({ name: 'QuotaExceededError' });
  });

  it('a successful drain with no earlier error does not touch the error item', async () => {
    const f = siteFact({ key: 'openai-chat:q4' });
    await fakeBrowser.storage.local.set({ [outboxKey(f)]: f });
    const set = vi.spyOn(fakeBrowser.storage.local, 'remove');
    expect(await drainOutbox()).toBe(1);
    expect(set.mock.calls.flat(2)).not.toContain('writeError');
  });
});
