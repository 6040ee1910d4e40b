/**
 * The user's own tracked sites (their company's AI tools on custom domains), kept in `storage.local`
 * and validated with Zod on every read: a corrupt entry is dropped, never trusted.
 */
import { storage } from '#imports';
import { z } from './zod';
import { Origin } from './messages';

export const SiteKind = z.enum(['chat', 'agent']);
export type SiteKind = z.infer<typeof SiteKind>;

export const TrackedSite = z.strictObject({
  origin: Origin.check(z.describe('The address of the tool (scheme, host and port).')),
  name: z.string().check(z.minLength(1), z.maxLength(80), z.describe('The name you gave it.')),
  kind: SiteKind.check(z.describe('Chat or agent tool: what its conversations become (chat tasks or agent runs).')),
  paused: z.boolean().check(z.describe('Tracking switched off for this site.')),
  addedAt: z.number().check(z.describe('When you added it (ms since 1970).')),
});
export type TrackedSite = z.infer<typeof TrackedSite>;

export const sitesItem = storage.defineItem<unknown[]>('local:sites', { fallback: [] });

/** The stored list, with anything invalid left out. */
export async function getTrackedSites(): Promise<TrackedSite[]> {
  const raw = await sitesItem.getValue();
  return (Array.isArray(raw) ? raw : []).flatMap((s) => {
    const parsed = TrackedSite.safeParse(s);
    return parsed.success ? [parsed.data] : [];
  });
}

export async function saveTrackedSites(sites: TrackedSite[]): Promise<void> {
  await sitesItem.setValue(sites);
}

/**
 * Turns what a person types or pastes ("intranet.acme.com/chat", "http://localhost:3000/x") into an
 * origin, or explains why it can't be one.
 */
export function parseSiteInput(input: string): { ok: true; origin: string } | { ok: false; error: string } {
  const text = input.trim();
  if (!text) return { ok: false, error: 'Enter the address of the AI tool, e.g. https://ai.example.com' };
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return { ok: false, error: `“${text}” is not a web address.` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { ok: false, error: 'Only http:// and https:// sites can be tracked.' };
  }
  if (!url.hostname) return { ok: false, error: `“${text}” has no host name.` };
  return { ok: true, origin: url.origin };
}

/** A friendly default name: the host without "www.". */
export const defaultSiteName = (origin: string) => new URL(origin).host.replace(/^www\./, '');
