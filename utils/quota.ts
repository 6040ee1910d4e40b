/**
 * A site's own usage-limit figures (Claude's `message_limit` windows, stored on the site's health row by
 * entrypoints/background/ingest.ts), put into words for the popup: "5-hour limit 42% used, resets 14:30". These
 * are the site's figures, not Tokenwise's counts, and are always labelled as such where they are shown.
 */
import type { SiteHealth, SiteQuotaWindow } from './records';

/** A window without a reset time is shown for this long after the reply that reported it. */
export const UNDATED_QUOTA_MS = 24 * 3_600_000;

const NUMBER_WORDS: Record<string, number> = {
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  ten: 10,
  twelve: 12,
  fourteen: 14,
  thirty: 30,
};

/** "5" → 5, "five" → 5; undefined for anything else. */
const countOf = (w: string): number | undefined =>
  /^\d+$/.test(w) ? Number(w) : Object.hasOwn(NUMBER_WORDS, w) ? NUMBER_WORDS[w] : undefined;

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * The site's name for a window in words: "5h" / "five_hour" → "5-hour limit", "7d_opus" / "seven_day_opus" →
 * "7-day Opus limit"; anything else as the site spells it, without underscores.
 */
export function quotaLabel(kind: string): string {
  const k = kind.trim().toLowerCase();
  const m = /^(\d+|[a-z]+)[\s_-]?(h|hr|hours?|d|days?|w|weeks?)(?:[\s_-]+([a-z0-9][\w\s-]*))?$/.exec(k);
  const n = m ? countOf(m[1]!) : undefined;
  if (m && n !== undefined && n > 0) {
    const unit = m[2]!.startsWith('h') ? 'hour' : m[2]!.startsWith('d') ? 'day' : 'week';
    const model = m[3]
      ? ` ${m[3]
          .split(/[\s_-]+/)
          .map(capitalise)
          .join(' ')}`
      : '';
    return `${n}-${unit}${model} limit`;
  }
  const words = kind.replace(/[_-]+/g, ' ').trim() || 'usage';
  return /limit$/i.test(words) ? words : `${words} limit`;
}

/** When a window resets: the time today, the weekday and time within a week, else the date and time. */
export function formatReset(at: number, now: number, locale?: string): string {
  const d = new Date(at);
  const time = d.toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit' });
  if (d.toDateString() === new Date(now).toDateString()) return time;
  if (at > now && at - now < 6 * 86_400_000) return `${d.toLocaleDateString(locale, { weekday: 'short' })} ${time}`;
  return `${d.toLocaleDateString(locale, { month: 'short', day: 'numeric' })} ${time}`;
}

/** One window in words: "5-hour limit 42% used, resets 14:30". */
export function describeWindow(w: SiteQuotaWindow, now: number, locale?: string): string {
  const used = `${quotaLabel(w.kind)} ${Math.round(Math.min(1, Math.max(0, w.utilization)) * 100)}% used`;
  return w.resetsAt === undefined ? used : `${used}, resets ${formatReset(w.resetsAt, now, locale)}`;
}

/**
 * The windows of a site's latest report that still say something now: those that have not reset yet (after a
 * reset the use is unknown until the next reply), and undated ones for a day. Empty when there is none.
 */
export function currentQuota(health: Pick<SiteHealth, 'quota'>, now: number): SiteQuotaWindow[] {
  const q = health.quota;
  if (!q) return [];
  return q.windows.filter((w) => (w.resetsAt === undefined ? now - q.at < UNDATED_QUOTA_MS : w.resetsAt > now));
}
