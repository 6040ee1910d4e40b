/**
 * The privacy settings as the background applies them to what arrives: nothing from a pause, nothing from a
 * private window unless the person allowed it, no page title where titles are off. Settings are read once
 * and then followed through storage changes, so a fact costs no extra storage read.
 */
import type { SiteFact } from '@/utils/messages';
import {
  getSettings,
  isPaused,
  parseSettings,
  settingsItem,
  sitePrivacy,
  type PrivacySettings,
} from '@/utils/settings';

type SettingsListener = (next: PrivacySettings, prev: PrivacySettings) => void;

let cached: Promise<PrivacySettings> | undefined;
let watching = false;
const listeners: SettingsListener[] = [];

/**
 * The one storage watch on the settings: it parses a change once, updates the cached copy, and only then
 * tells the background's other parts (badge, retention, stored texts), so none of them reads a stale copy.
 */
function follow(): void {
  if (watching) return;
  watching = true;
  settingsItem.watch((value, old) => {
    const next = parseSettings(value);
    cached = Promise.resolve(next);
    const prev = parseSettings(old);
    for (const listener of listeners) listener(next, prev);
  });
}

export function currentSettings(): Promise<PrivacySettings> {
  follow();
  cached ??= getSettings();
  return cached;
}

/** Calls `listener` after every settings change, with the cached copy already current. Register at setup. */
export function onSettingsChange(listener: SettingsListener): void {
  follow();
  listeners.push(listener);
}

/** Forgets the cached settings and the watch (tests reset the fake browser's listeners between cases). */
export function resetSettingsCache(): void {
  cached = undefined;
  watching = false;
}

/** Why facts from this sender are not recorded at all right now, if they are not. */
export async function refusalFor(tab: { incognito?: boolean } | undefined): Promise<'incognito' | undefined> {
  if (tab?.incognito && !(await currentSettings()).trackIncognito) return 'incognito';
  return undefined;
}

/**
 * The facts as the settings allow them to be stored: a fact whose call started during a pause is dropped
 * (it may be delivered later, from the outbox, after the pause ended); a title is dropped where the person
 * turned titles off for that site.
 */
export function applyPrivacy(facts: readonly SiteFact[], s: PrivacySettings): SiteFact[] {
  return facts.flatMap((f) => {
    if (s.pause && f.fact.startedAt >= s.pause.since && (s.pause.until === null || f.fact.startedAt < s.pause.until))
      return [];
    if (f.title !== undefined && !sitePrivacy(s, f.site).keepTitles) {
      const { title: _dropped, ...rest } = f;
      return [rest];
    }
    return [f];
  });
}

export { isPaused };
