import { browser } from '#imports';
import { refreshBadge } from './badge';
import { DRAIN_ALARM } from './outbox-drain';

/**
 * Keeps the badge right across worker starts and day changes. The minute alarm that drains the outbox
 * also re-reads today's total: one indexed query, and it follows DST and time-zone changes for free.
 */
export function setupBadge(): void {
  browser.alarms.onAlarm.addListener((alarm) => {
    if (alarm.name === DRAIN_ALARM) void refreshBadge().catch(() => {});
  });
  void refreshBadge().catch(() => {});
}
