// "Delete all history": every table emptied in one transaction, outbox entries removed, privacy settings back
// to the defaults, the tracked sites kept.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { DEFAULT_SETTINGS, getSettings } from '@/utils/settings';
import { getTrackedSites } from '@/utils/sites-store';
import { summariseHistory, wipeHistory } from '@/utils/wipe';
import { checksum, seedSample, SAMPLE_SITES } from '../fixtures/export/history';
import { freshDb } from './helpers';

let sent: unknown[];
beforeEach(() => {
  sent = [];
  vi.spyOn(fakeBrowser.runtime, 'sendMessage').mockImplementation(async (msg: unknown) => void sent.push(msg));
});

describe('wipeHistory', () => {
  it('empties every table, removes the outbox, resets the privacy settings and keeps the sites', async () => {
    const db = freshDb();
    await seedSample(db);
    await fakeBrowser.storage.local.set({ 'outbox:https://a.example|k1': { x: 1 }, 'outbox:b': 2, unrelated: 3 });
    await wipeHistory(db);
    for (const t of db.tables) expect(await t.count(), t.name).toBe(0);
    const stored = await fakeBrowser.storage.local.get(null);
    expect(Object.keys(stored).filter((k) => k.startsWith('outbox:'))).toEqual([]);
    expect(stored.unrelated).toBe(3);
    expect(await getSettings()).toEqual(DEFAULT_SETTINGS);
    expect(await getTrackedSites()).toEqual(SAMPLE_SITES);
    expect(sent).toEqual([{ type: 'refresh-badge' }]);
  });

  it('deletes nothing when one table cannot be cleared (one transaction), and says so by throwing', async () => {
    const db = freshDb();
    await seedSample(db);
    const before = await checksum(db);
    // Clearing runs table by table inside the transaction; a failure on the last one must undo the others.
    const texts = db.texts;
    vi.spyOn(db, 'tables', 'get').mockReturnValue([
      ...db.tables.filter((t) => t.name !== 'texts'),
      Object.assign(Object.create(texts) as typeof texts, {
        clear: () => Promise.reject(new Error('clear failed')),
      }),
    ]);
    await expect(wipeHistory(db)).rejects.toThrow('clear failed');
    vi.restoreAllMocks();
    expect(await checksum(db)).toBe(before);
  });
});

describe('summariseHistory', () => {
  it('counts tasks and turns and the days they cover', async () => {
    const db = freshDb();
    expect(await summariseHistory(db)).toEqual({ tasks: 0, turns: 0 });
    await seedSample(db);
    expect(await summariseHistory(db)).toEqual({ tasks: 3, turns: 6, firstDay: '2026-11-24', lastDay: '2026-11-25' });
  });
});
