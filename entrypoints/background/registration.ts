/**
 * Runtime content-script registration for the user's own sites, rebuilt from the stored list and the
 * permissions actually granted. Chromium drops dynamic registrations on update, reload and every
 * `--load-extension` launch, and keeps them (inert) after access is revoked, so registration is never
 * taken as a sign of access: `permissions.contains` is. See ../shared/docs/permission-flow.md.
 */
import { browser, type Browser } from '#imports';
import { getTrackedSites, sitesItem } from '@/utils/sites-store';
import { HOOK_JS, RELAY_JS, originPattern } from '@/utils/sites';

const OWN_ID = /^tw-(hook|relay)@/; // never touch ids we don't own (WXT dev registers 'wxt:*')

function scriptsFor(origin: string): Browser.scripting.RegisteredContentScript[] {
  const matches = [originPattern(origin)];
  return [
    // Ids sort hook before relay; the bridge handles either order anyway.
    {
      id: `tw-hook@${origin}`,
      matches,
      js: [HOOK_JS],
      runAt: 'document_start',
      world: 'MAIN',
      persistAcrossSessions: true,
    },
    { id: `tw-relay@${origin}`, matches, js: [RELAY_JS], runAt: 'document_start', persistAcrossSessions: true },
  ];
}

export async function hasAccess(origin: string): Promise<boolean> {
  try {
    return await browser.permissions.contains({ origins: [originPattern(origin)] });
  } catch {
    return false;
  }
}

let chain: Promise<void> = Promise.resolve();

/** Idempotent: makes our registrations match the active sites that still have access. Serialised. */
export function syncRegistrations(): Promise<void> {
  chain = chain.then(syncOnce, syncOnce);
  return chain;
}

async function syncOnce(): Promise<void> {
  const wanted: Browser.scripting.RegisteredContentScript[] = [];
  const patterns = new Set<string>();
  for (const site of await getTrackedSites()) {
    if (site.paused || !(await hasAccess(site.origin))) continue;
    // In Firefox two sites on one host share a pattern (utils/sites.ts): one pair of scripts covers both.
    const pattern = originPattern(site.origin);
    if (patterns.has(pattern)) continue;
    patterns.add(pattern);
    wanted.push(...scriptsFor(site.origin));
  }
  const have = (await browser.scripting.getRegisteredContentScripts()).filter((s) => OWN_ID.test(s.id));
  const haveIds = new Set(have.map((s) => s.id));
  const wantIds = new Set(wanted.map((s) => s.id));
  const stale = [...haveIds].filter((id) => !wantIds.has(id));
  if (stale.length > 0) await browser.scripting.unregisterContentScripts({ ids: stale });
  const missing = wanted.filter((s) => !haveIds.has(s.id));
  if (missing.length > 0) await browser.scripting.registerContentScripts(missing);
}

export function setupRegistration(): void {
  const sync = () => void syncRegistrations().catch(() => {});
  browser.runtime.onInstalled.addListener(sync);
  browser.runtime.onStartup.addListener(sync);
  browser.permissions.onAdded.addListener(sync);
  browser.permissions.onRemoved.addListener(sync);
  sitesItem.watch(sync);
  sync(); // every worker start: registrations may have been dropped while we were away
}
