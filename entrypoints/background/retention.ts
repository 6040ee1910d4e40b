/**
 * Applies the retention setting: on an alarm a few times a day, on every worker start (after a delay, so
 * it never competes with the first facts) and as soon as the person shortens the period.
 */
import { browser } from '#imports';
import { getDb } from '@/utils/db';
import { pruneHistory } from '@/utils/retention';
import { currentSettings, onSettingsChange } from './privacy-gate';
import { refreshBadge } from './badge';

export const RETENTION_ALARM = 'tokenwise:retention';

export async function applyRetention(): Promise<void> {
  const { retentionDays } = await currentSettings();
  const r = await pruneHistory(getDb(), retentionDays);
  if (r.tasks + r.turns + r.daily + r.texts > 0) await refreshBadge().catch(() => {});
}

export function setupRetention(): void {
  browser.alarms.onAlarm.addListener((alarm) => {
    if (alarm.name === RETENTION_ALARM) void applyRetention().catch(() => {});
  });
  void browser.alarms.create(RETENTION_ALARM, { delayInMinutes: 1, periodInMinutes: 6 * 60 });
  onSettingsChange((next, prev) => {
    if (next.retentionDays !== prev.retentionDays) void applyRetention().catch(() => {});
  });
}
