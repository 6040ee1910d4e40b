/**
 * Drains outbox entries that no relay delivered (tab closed before the ack, worker stopped mid-burst).
 * Runs on every worker start and on an alarm. Entries are validated like any message; invalid ones are
 * dropped and counted. Stored rows are keyed deterministically, so draining what a live relay is also
 * retrying stores it once.
 */
import { browser } from '#imports';
import { SiteFact } from '@/utils/messages';
import { readOutbox } from '@/utils/outbox';
import { getDb } from '@/utils/db';
import { ingestFacts, recordHealth } from './ingest';
import { applyPrivacy, currentSettings } from './privacy-gate';
import { refreshBadge } from './badge';
import { withWriteErrors } from './write-errors';

export const DRAIN_ALARM = 'tokenwise:drain-outbox';
const BATCH = 200;

let running: Promise<number> | undefined;

/** Stores every valid outbox entry, then removes the entries. Returns how many facts were stored. */
export function drainOutbox(): Promise<number> {
  running ??= drainOnce().finally(() => {
    running = undefined;
  });
  return running;
}

async function drainOnce(): Promise<number> {
  const entries = await readOutbox();
  if (entries.length === 0) return 0;
  const db = getDb();
  let stored = 0;
  for (let i = 0; i < entries.length; i += BATCH) {
    const slice = entries.slice(i, i + BATCH);
    const valid: SiteFact[] = [];
    for (const [, value] of slice) {
      const parsed = SiteFact.safeParse(value);
      if (parsed.success) valid.push(parsed.data);
      else if (typeof (value as { site?: unknown })?.site === 'string') {
        await recordHealth(db, (value as { site: string }).site, { unrecognised: 0, rejected: 1 }).catch(() => {});
      }
    }
    if (valid.length > 0) {
      // A failed write (a full disk: QuotaExceededError) rolls the whole transaction back and leaves these
      // entries in the outbox for the next drain; the pages say why (write-errors.ts).
      const settings = await currentSettings();
      const r = await withWriteErrors(() => ingestFacts(db, applyPrivacy(valid, settings)));
      stored += r.added + r.updated;
    }
    // Only after the transaction committed, and only entries still as they were read: a live relay may
    // have replaced one meanwhile with a newer snapshot of the same record, which it will deliver itself.
    const keys = slice.map(([k]) => k);
    const now = await browser.storage.local.get(keys);
    const unchanged = slice.filter(([k, v]) => JSON.stringify(now[k]) === JSON.stringify(v)).map(([k]) => k);
    await browser.storage.local.remove(unchanged);
  }
  if (stored > 0) void refreshBadge().catch(() => {});
  return stored;
}

export function setupOutboxDrain(): void {
  browser.alarms.onAlarm.addListener((alarm) => {
    if (alarm.name === DRAIN_ALARM) void drainOutbox().catch(() => {});
  });
  void browser.alarms.create(DRAIN_ALARM, { periodInMinutes: 1 });
  void drainOutbox().catch(() => {});
}
