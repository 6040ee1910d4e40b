/** Is this origin one Tokenwise is meant to run on? Judged from the manifest's own content scripts. */
import { browser } from '#imports';
import { originMatches } from '@/utils/sites';

export async function isTrackedOrigin(origin: string): Promise<boolean> {
  const patterns = (browser.runtime.getManifest().content_scripts ?? []).flatMap((cs) => cs.matches ?? []);
  return originMatches(origin, patterns);
}
