/**
 * Is this origin one Tokenwise is meant to run on right now? Built-in sites come from the manifest's own
 * content scripts; the user's sites from their list, when not paused and while access is granted.
 */
import { isBuiltInOrigin } from '@/utils/builtin-sites';
import { getTrackedSites } from '@/utils/sites-store';
import { hasAccess } from './registration';

export async function isTrackedOrigin(origin: string): Promise<boolean> {
  if (isBuiltInOrigin(origin)) return true;
  const site = (await getTrackedSites()).find((s) => s.origin === origin);
  return !!site && !site.paused && (await hasAccess(origin));
}
