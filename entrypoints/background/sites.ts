/**
 * Adding, changing and removing the user's own sites. Only the background writes the list; the pages
 * ask the browser for access first (that needs the user's gesture) and then send `add-site`.
 */
import { browser } from '#imports';
import type { UiMessage } from '@/utils/ui-messages';
import { isBuiltInOrigin } from '@/utils/builtin-sites';
import { defaultSiteName, getTrackedSites, saveTrackedSites } from '@/utils/sites-store';
import { originPattern } from '@/utils/sites';
import { hasAccess, syncRegistrations } from './registration';

type Result = { ok: true } | { ok: false; error: string; final: true };
const fail = (error: string): Result => ({ ok: false, error, final: true });

export async function handleSiteMessage(
  msg: Extract<UiMessage, { type: 'add-site' | 'update-site' | 'remove-site' }>,
  now = Date.now(),
): Promise<Result> {
  const sites = await getTrackedSites();
  const index = sites.findIndex((s) => s.origin === msg.origin);
  switch (msg.type) {
    case 'add-site': {
      // Both would inject: the hook would run twice on every page of that site.
      if (isBuiltInOrigin(msg.origin)) return fail('Tokenwise already tracks this site.');
      if (!(await hasAccess(msg.origin))) return fail('Tokenwise has no access to this site yet.');
      const entry = {
        origin: msg.origin,
        name: msg.name ?? sites[index]?.name ?? defaultSiteName(msg.origin),
        kind: msg.kind ?? sites[index]?.kind ?? 'chat',
        paused: false,
        addedAt: sites[index]?.addedAt ?? now,
      };
      if (index >= 0) sites[index] = entry;
      else sites.push(entry);
      break;
    }
    case 'update-site': {
      const site = sites[index];
      if (!site) return fail('That site is not in your list.');
      sites[index] = {
        ...site,
        ...(msg.name !== undefined ? { name: msg.name } : {}),
        ...(msg.kind !== undefined ? { kind: msg.kind } : {}),
        ...(msg.paused !== undefined ? { paused: msg.paused } : {}),
      };
      break;
    }
    case 'remove-site': {
      if (index < 0) return fail('That site is not in your list.');
      sites.splice(index, 1);
      break;
    }
    default: {
      const never: never = msg;
      return never;
    }
  }
  await saveTrackedSites(sites);
  await syncRegistrations();
  const pattern = originPattern(msg.origin);
  // Least privilege: give the access back too, unless another listed site needs the same pattern (Firefox:
  // one per host). History already recorded stays.
  if (msg.type === 'remove-site' && !sites.some((s) => originPattern(s.origin) === pattern)) {
    await browser.permissions.remove({ origins: [pattern] }).catch(() => false);
  }
  return { ok: true };
}
