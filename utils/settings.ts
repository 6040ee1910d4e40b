/**
 * The person's privacy settings, kept in `storage.local` and validated with Zod on every read: a corrupt
 * or unknown value falls back to the private default, never to something more permissive.
 *
 * The options page writes them; the background and the relay read them (and follow changes). Per-site
 * choices are keyed by origin; a site with no entry gets `DEFAULT_SITE_PRIVACY`.
 */
import { storage } from '#imports';
import { z } from './zod';
import { Origin } from './messages';

/** What may be kept for one site beyond counts and metadata. */
export const SitePrivacy = z.strictObject({
  /** Prompt and reply text, redacted first. Off unless the person turns it on for this site. */
  storeText: z
    .boolean()
    .check(z.describe('Keep prompt and reply text for this site (redacted first). Off by default.')),
  /** The page's title as the task's title. On by default: the one piece of page text kept. */
  keepTitles: z.boolean().check(z.describe('Keep page titles as task titles for this site. On by default.')),
});
export type SitePrivacy = z.infer<typeof SitePrivacy>;

export const DEFAULT_SITE_PRIVACY: SitePrivacy = { storeText: false, keepTitles: true };

/** Tracking paused for every site: until a time, or (until null) until the person resumes it. */
export const Pause = z.strictObject({
  since: z.number().check(z.describe('When the pause began (ms since 1970).')),
  until: z.nullable(z.number()).check(z.describe('When it ends by itself; none: when you resume.')),
});
export type Pause = z.infer<typeof Pause>;

export const RETENTION_DEFAULT_DAYS = 365;
export const RETENTION_MAX_DAYS = 36_500;

export const PrivacySettings = z.strictObject({
  sites: z
    .record(Origin, SitePrivacy)
    .check(z.describe('Per-site choices, by origin; a site not listed keeps text off and titles on.')),
  pause: z.nullable(Pause).check(z.describe('A pause of all tracking, if one is on.')),
  trackIncognito: z
    .boolean()
    .check(
      z.describe(
        'Count use in private (incognito) windows. Off by default, and only possible if the browser allows the extension there.',
      ),
    ),
  retentionDays: z
    .nullable(z.int().check(z.gte(1), z.lte(RETENTION_MAX_DAYS)))
    .check(z.describe('Keep history this many days, then delete it; null keeps it forever.')),
});
export type PrivacySettings = z.infer<typeof PrivacySettings>;

export const DEFAULT_SETTINGS: PrivacySettings = {
  sites: {},
  pause: null,
  trackIncognito: false,
  retentionDays: RETENTION_DEFAULT_DAYS,
};

export const settingsItem = storage.defineItem<unknown>('local:settings', { fallback: DEFAULT_SETTINGS });

/** The stored settings; anything invalid reads as the defaults (private ones). */
export async function getSettings(): Promise<PrivacySettings> {
  return parseSettings(await settingsItem.getValue());
}

export function parseSettings(raw: unknown): PrivacySettings {
  const parsed = PrivacySettings.safeParse(raw);
  return parsed.success ? parsed.data : structuredClone(DEFAULT_SETTINGS);
}

export async function saveSettings(next: PrivacySettings): Promise<void> {
  await settingsItem.setValue(PrivacySettings.parse(next));
}

/** Reads, changes and writes back (one writer at a time in practice: the options page). */
export async function updateSettings(change: (s: PrivacySettings) => PrivacySettings): Promise<PrivacySettings> {
  const next = change(await getSettings());
  await saveSettings(next);
  return next;
}

export function sitePrivacy(s: PrivacySettings, origin: string): SitePrivacy {
  return s.sites[origin] ?? DEFAULT_SITE_PRIVACY;
}

/** True while a pause is on at `now` (a pause whose time has passed is over, even if not yet cleared). */
export function isPaused(s: PrivacySettings, now = Date.now()): boolean {
  return s.pause !== null && (s.pause.until === null || now < s.pause.until);
}

export type PauseChoice = 'hour' | 'tomorrow' | 'resumed';

/** The pause a choice in the options page or popup starts: one hour, until local midnight, or until resumed. */
export function pauseFor(choice: PauseChoice, now = Date.now()): Pause {
  if (choice === 'hour') return { since: now, until: now + 3_600_000 };
  if (choice === 'tomorrow') {
    const d = new Date(now);
    d.setHours(24, 0, 0, 0); // the next local midnight, DST included
    return { since: now, until: d.getTime() };
  }
  return { since: now, until: null };
}
