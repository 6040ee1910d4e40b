/**
 * The built-in sites, read from the manifest's own content scripts, so what the UI says and what the
 * background accepts can never disagree with what actually runs. (Kept apart from sites.ts, which
 * wxt.config.ts imports in Node, where there is no `browser`.)
 */
import { browser } from '#imports';
import { ADAPTERS } from './adapters';
import type { SiteAdapter } from './adapters/types';
import { adapterForOrigin } from './capture/adapters';
import { originMatches, siteLabel } from './sites';

export function builtInPatterns(): string[] {
  const scripts = browser.runtime.getManifest().content_scripts ?? [];
  return [...new Set(scripts.flatMap((cs) => cs.matches ?? []))];
}

export function isBuiltInOrigin(origin: string): boolean {
  return originMatches(origin, builtInPatterns());
}

/** The public app's adapter for a built-in origin (`https://chatgpt.com` → ChatGPT), if it is one. */
export function builtinAdapterOf(origin: string): SiteAdapter | undefined {
  const a = adapterForOrigin(origin);
  return a && isBuiltInOrigin(origin) ? a : undefined;
}

/** The adapters whose pages this build runs on, in registry order. */
export function builtinAdapters(): SiteAdapter[] {
  const patterns = builtInPatterns();
  return ADAPTERS.filter((a) => a.matches.some((m) => patterns.includes(m)));
}

/** A site's name as people know it: the app's name for a built-in one ("ChatGPT"), else its host. */
export function siteName(origin: string): string {
  return builtinAdapterOf(origin)?.name ?? siteLabel(origin);
}
