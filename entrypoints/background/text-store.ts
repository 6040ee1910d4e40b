/**
 * Opt-in prompt and reply text (issue 5; reliability test 27). Text arrives only from sites where the person
 * turned `storeText` on, but the content script is not trusted with that decision: the setting is checked
 * again here, every text is redacted (utils/redact.ts) before it is written, and turning the setting off
 * deletes what the site had stored.
 *
 * Redaction counts: each `TurnText` row keeps its own (`redactions`, by kind); a site's total is the sum over
 * its rows (`siteRedactionTotals` in utils/text-summary.ts), so deleting a site's texts also removes their counts.
 */
import type { ContentMessage } from '@/utils/messages';
import type { TokenwiseDB } from '@/utils/db';
import type { TurnText } from '@/utils/records';
import { dayOf } from '@/utils/day';
import { redact, type RedactionKind } from '@/utils/redact';
import { isPaused, sitePrivacy, type PrivacySettings } from '@/utils/settings';
import { currentSettings, onSettingsChange } from './privacy-gate';

type TextMessage = Extract<ContentMessage, { type: 'text' }>;

/**
 * Stores one turn's text, redacted, if the site's `storeText` setting is on and tracking is not paused.
 * The row's id is the turn's (`<site>|<fact key>`), so a repeat replaces it. Returns whether it stored.
 */
export async function storeTurnText(
  db: TokenwiseDB,
  msg: TextMessage,
  now = Date.now(),
  settings?: PrivacySettings,
): Promise<boolean> {
  const s = settings ?? (await currentSettings());
  if (!sitePrivacy(s, msg.site).storeText || isPaused(s, now)) return false;
  const redactions: Partial<Record<RedactionKind, number>> = {};
  const clean = (text: string | undefined): string | undefined => {
    if (!text) return undefined;
    const out = redact(text);
    for (const [kind, n] of Object.entries(out.counts) as [RedactionKind, number][])
      redactions[kind] = (redactions[kind] ?? 0) + n;
    return out.text;
  };
  const prompt = clean(msg.prompt);
  const reply = clean(msg.reply);
  if (prompt === undefined && reply === undefined) return false;
  const row: TurnText = {
    id: `${msg.site}|${msg.key}`,
    site: msg.site,
    day: dayOf(now),
    at: now,
    ...(prompt !== undefined ? { prompt } : {}),
    ...(reply !== undefined ? { reply } : {}),
    redactions: redactions as Record<string, number>,
  };
  await db.texts.put(row);
  return true;
}

/**
 * Deletes the texts of every site whose `storeText` is not on in `settings` (whatever it was before: a
 * change missed while the worker was stopped is caught up by the next sweep). Returns how many rows went.
 */
export async function sweepTexts(db: TokenwiseDB, settings: PrivacySettings): Promise<number> {
  const sites = (await db.texts.orderBy('site').uniqueKeys()) as string[];
  let deleted = 0;
  for (const site of sites) {
    if (!sitePrivacy(settings, site).storeText) deleted += await db.texts.where('site').equals(site).delete();
  }
  return deleted;
}

/**
 * Follows the settings: when a site's `storeText` goes off, its texts are deleted. Registered synchronously
 * (the storage listener must exist before the worker's first await); one sweep at start catches up on a
 * change made while the worker was not running.
 */
export function setupTextStore(getDb: () => TokenwiseDB): void {
  onSettingsChange((next) => {
    void sweepTexts(getDb(), next).catch(() => {});
  });
  void currentSettings()
    .then((s) => sweepTexts(getDb(), s))
    .catch(() => {});
}
