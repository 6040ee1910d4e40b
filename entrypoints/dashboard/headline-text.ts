/**
 * Words for the headline figures. Neutral on purpose: the trend compares a person only with their own past
 * weeks, and says "fewer" or "more" without calling either good or bad.
 */
import type { Waste } from '@/utils/task-metrics';

/** Closer than this to the usual week reads as "about the same": a few percent is noise, not a change. */
const SAME_WITHIN_PCT = 5;

/** This week's tokens per completed task against the person's usual week (the ratio trendAgainstOwnPast gives). */
export function describeTrend(ratio: number | null): string | undefined {
  if (ratio === null || !Number.isFinite(ratio) || ratio <= 0) return undefined;
  const pct = Math.round(Math.abs(1 - ratio) * 100);
  if (pct < SAME_WITHIN_PCT) return 'About as many tokens per completed task as your usual week';
  return `${pct}% ${ratio < 1 ? 'fewer' : 'more'} tokens per completed task than your usual week`;
}

export type WasteReason = Exclude<keyof Waste, 'total'>;

/** In the order summariseOutcomes assigns them (a task counts under the first reason that applies). */
export const WASTE_REASONS: readonly { key: WasteReason; label: string; explain: string }[] = [
  { key: 'abandoned', label: 'Abandoned', explain: 'tasks you marked abandoned' },
  { key: 'unfinished', label: 'Never finished', explain: 'no outcome a week after the last activity' },
  { key: 'unattended', label: 'Left running', explain: 'agent runs still "running" long after their last news' },
  { key: 'retries', label: 'Retries', explain: 'regenerated or re-sent replies' },
  { key: 'background', label: 'Background calls', explain: 'titles, summaries and agent steps you did not send' },
];

/** Tokens as a share of a total, as a whole percent that never shows a real amount as 0 %. */
export function percentOf(part: number, total: number): string {
  if (total <= 0 || part <= 0) return '0%';
  const pct = (part / total) * 100;
  return pct < 1 ? '<1%' : `${Math.round(pct)}%`;
}
