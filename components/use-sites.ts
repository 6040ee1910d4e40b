import { useEffect, useState } from 'react';
import { browser } from '#imports';
import type { TrackedSite } from '@/utils/sites-store';
import { originPattern } from '@/utils/sites';

// The site list is validated with Zod. Building those schemas is a large share of a page's start-up, so the
// popup loads them beside its first IndexedDB read instead of before its first render.
const siteStore = () => import('@/utils/sites-store');

export interface SiteView extends TrackedSite {
  /** Judged by the browser's own permission state, never by registration. */
  access: boolean;
}

/** The user's sites with their live access state; follows storage and permission changes. */
export function useSites(): SiteView[] | undefined {
  const [sites, setSites] = useState<SiteView[]>();
  useEffect(() => {
    let alive = true;
    const load = async () => {
      const views = await readSiteViews();
      if (alive) setSites(views);
    };
    void load();
    let unwatch = () => {};
    void siteStore().then(({ sitesItem }) => {
      if (alive) unwatch = sitesItem.watch(() => void load());
    });
    const onChange = () => void load();
    browser.permissions.onAdded.addListener(onChange);
    browser.permissions.onRemoved.addListener(onChange);
    // Access can also change in chrome://extensions while this page is in the background.
    const onVisible = () => document.visibilityState === 'visible' && void load();
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      alive = false;
      unwatch();
      browser.permissions.onAdded.removeListener(onChange);
      browser.permissions.onRemoved.removeListener(onChange);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, []);
  return sites;
}

async function readSiteViews(): Promise<SiteView[]> {
  const list = await (await siteStore()).getTrackedSites();
  return Promise.all(
    list.map(async (s) => ({
      ...s,
      access: await browser.permissions.contains({ origins: [originPattern(s.origin)] }).catch(() => false),
    })),
  );
}

/**
 * Asks the browser for access to one origin. Must be the first await inside the user's click, or the
 * browser refuses (no user gesture).
 */
export async function requestAccess(origin: string): Promise<boolean> {
  try {
    return await browser.permissions.request({ origins: [originPattern(origin)] });
  } catch {
    return false;
  }
}

export async function sendToBackground(msg: unknown): Promise<{ ok: boolean; error?: string }> {
  try {
    const reply = (await browser.runtime.sendMessage(msg)) as { ok?: boolean; error?: string } | undefined;
    return reply?.ok === true ? { ok: true } : { ok: false, error: reply?.error ?? 'Tokenwise did not answer.' };
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
}
