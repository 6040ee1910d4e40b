import { browser } from '#imports';
import { refreshBadge } from './badge';
import { DRAIN_ALARM } from './outbox-drain';
import { onSettingsChange } from './privacy-gate';

const PAUSE_END_ALARM = 'tokenwise:pause-end';

/**
 * Keeps the badge right across worker starts and day changes. The minute alarm that drains the outbox
 * also re-reads today's total: one indexed query, and it follows DST and time-zone changes for free.
 */
export function setupBadge(): void {
  browser.alarms.onAlarm.addListener((alarm) => {
    if (alarm.name === DRAIN_ALARM || alarm.name === PAUSE_END_ALARM) void refreshBadge().catch(() => {});
  });
  // A pause shows at once, and its end too (an alarm at the time it ends).
  onSettingsChange(({ pause }) => {
    void browser.alarms.clear(PAUSE_END_ALARM).then(() => {
      if (pause?.until) void browser.alarms.create(PAUSE_END_ALARM, { when: pause.until + 500 });
    });
    void refreshBadge().catch(() => {});
  });
  void refreshBadge().catch(() => {});
}
