/**
 * The toolbar badge: today's tokens, kept current after each write, outcome and day change; its tooltip
 * adds this week's tokens per completed task and how many tasks wait for an outcome.
 */
import { browser } from '#imports';
import { tasksInDays } from '@/utils/task-store';
import { getDb } from '@/utils/db';
import { dayOf } from '@/utils/day';
import { formatTokensShort } from '@/utils/format';
import { summariseOutcomes, windowRange } from '@/utils/task-metrics';
import { isPaused } from '@/utils/settings';
import { currentSettings } from './privacy-gate';

/** "paused until 14:30", "paused until tomorrow", "paused until you resume". */
export function pauseText(until: number | null, now = Date.now()): string {
  if (until === null) return 'tracking paused until you resume it';
  const time = new Date(until).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  const sameDay = new Date(until).toDateString() === new Date(now).toDateString();
  return sameDay
    ? `tracking paused until ${time}`
    : `tracking paused until ${new Date(until).toLocaleDateString()} ${time}`;
}

/** This week's tasks (read by their day records): tokens per completed task and tasks ready to be marked. */
export async function weekOutcomes(now = Date.now()) {
  const range = windowRange('week', now);
  const tasks = await tasksInDays(getDb(), range.from, range.to);
  const s = summariseOutcomes(tasks, [], range, now);
  return { done: s.tasks.done, tokensPerDone: s.tokensPerDone, needOutcome: s.needOutcome };
}

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
  const [t, w, settings] = await Promise.all([todayTotals(now), weekOutcomes(now), currentSettings()]);
  const action = browser.action ?? (browser as unknown as { browserAction: typeof browser.action }).browserAction;
  if (isPaused(settings, now)) {
    // While paused the badge says so, and nothing else: a count beside "paused" would read as still counting.
    await action.setBadgeText({ text: 'off' });
    await action.setBadgeBackgroundColor({ color: '#868e96' });
    await action.setTitle({ title: `Tokenwise — ${pauseText(settings.pause!.until)}` });
    return;
  }
  await action.setBadgeText({ text: t.total > 0 ? formatTokensShort(t.total) : '' });
  await action.setBadgeBackgroundColor({ color: '#3b5bdb' });
  const title =
    t.total > 0
      ? `Tokenwise — today ${t.exact.toLocaleString('en-US')} tokens counted` +
        (t.estimated > 0 ? ` + ≈${t.estimated.toLocaleString('en-US')} estimated` : '')
      : 'Tokenwise — no AI usage recorded today';
  const work =
    w.tokensPerDone === null
      ? ''
      : `\nThis week: ${Math.round(w.tokensPerDone).toLocaleString('en-US')} tokens per completed task (${w.done} done)`;
  const waiting = w.needOutcome > 0 ? `\n${w.needOutcome} task${w.needOutcome === 1 ? '' : 's'} need an outcome` : '';
  await action.setTitle({ title: title + work + waiting });
}
