/**
 * "Delete all history": every recorded row, the relay outboxes' undelivered facts and the privacy settings
 * go; the tracked sites list stays (it is where Tokenwise runs, not what it recorded, and removing it would
 * also drop the browser's site access). Runs in the options page, like import (utils/import.ts says why).
 */
import { browser } from '#imports';
import type { TokenwiseDB } from './db';
import { OUTBOX_PREFIX } from './outbox';
import { countTurns, turnDaySpan } from './turn-store';
import { DEFAULT_SETTINGS, saveSettings } from './settings';
import { countTasks } from './task-store';

/**
 * Clears every table in one transaction (all or nothing), then removes the outbox entries and resets the
 * privacy settings to the defaults. Throws when the tables could not be cleared (nothing is deleted then).
 */
export async function wipeHistory(db: TokenwiseDB): Promise<void> {
  await db.transaction('rw', db.tables, () => Promise.all(db.tables.map((t) => t.clear())));
  const stored = await browser.storage.local.get(null);
  const outbox = Object.keys(stored).filter((k) => k.startsWith(OUTBOX_PREFIX));
  if (outbox.length > 0) await browser.storage.local.remove(outbox);
  await saveSettings(structuredClone(DEFAULT_SETTINGS));
  // Best effort: the badge would otherwise show today's deleted total until the next turn.
  await Promise.resolve()
    .then(() => browser.runtime.sendMessage({ type: 'refresh-badge' }))
    .catch(() => {});
}

export interface HistorySummary {
  tasks: number;
  turns: number;
  /** First and last day with a turn, or undefined when there is none. */
  firstDay?: string;
  lastDay?: string;
}

/** What a wipe would delete, for the confirmation dialog. */
export async function summariseHistory(db: TokenwiseDB): Promise<HistorySummary> {
  const [tasks, turns, span] = await Promise.all([countTasks(db), countTurns(db), turnDaySpan(db)]);
  return { tasks, turns, ...(span ? { firstDay: span.first, lastDay: span.last } : {}) };
}
