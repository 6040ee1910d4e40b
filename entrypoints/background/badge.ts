/** The toolbar badge: today's tokens, kept current after each write and at day change. */
import { browser } from '#imports';
import { getDb } from '@/utils/db';
import { dayOf } from '@/utils/day';
import { formatTokensShort } from '@/utils/format';

export async function todayTotals(now = Date.now()) {
  const rows = await getDb().daily.where('day').equals(dayOf(now)).toArray();
  let exact = 0;
  let estimated = 0;
  for (const r of rows) {
    const n = r.inputTokens + r.outputTokens;
    if (r.source === 'estimated') estimated += n;
    else exact += n;
  }
  return { exact, estimated, total: exact + estimated };
}

export async function refreshBadge(now = Date.now()): Promise<void> {
  const t = await todayTotals(now);
  const action = browser.action ?? (browser as unknown as { browserAction: typeof browser.action }).browserAction;
  await action.setBadgeText({ text: t.total > 0 ? formatTokensShort(t.total) : '' });
  await action.setBadgeBackgroundColor({ color: '#3b5bdb' });
  const title =
    t.total > 0
      ? `Tokenwise — today ${t.exact.toLocaleString('en-US')} tokens counted` +
        (t.estimated > 0 ? ` + ≈${t.estimated.toLocaleString('en-US')} estimated` : '')
      : 'Tokenwise — no AI usage recorded today';
  await action.setTitle({ title });
}
