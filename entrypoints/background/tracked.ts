/**
 * Is this origin one Tokenwise is meant to run on right now? Built-in sites come from the manifest's own
 * content scripts; the user's sites from their list, when not paused and while access is granted.
 */
import { browser } from '#imports';
import { originMatches } from '@/utils/sites';
import { getTrackedSites } from '@/utils/sites-store';
import { hasAccess } from './registration';

export async function isTrackedOrigin(origin: string): Promise<boolean> {
  const patterns = (browser.runtime.getManifest().content_scripts ?? []).flatMap((cs) => cs.matches ?? []);
  if (originMatches(origin, patterns)) return true;
  const site = (await getTrackedSites()).find((s) => s.origin === origin);
  return !!site && !site.paused && (await hasAccess(origin));
}
