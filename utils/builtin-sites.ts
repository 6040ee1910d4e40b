/**
 * The built-in sites, read from the manifest's own content scripts, so what the UI says and what the
 * background accepts can never disagree with what actually runs. (Kept apart from sites.ts, which
 * wxt.config.ts imports in Node, where there is no `browser`.)
 */
import { browser } from '#imports';
import { originMatches } from './sites';

export function builtInPatterns(): string[] {
  const scripts = browser.runtime.getManifest().content_scripts ?? [];
  return [...new Set(scripts.flatMap((cs) => cs.matches ?? []))];
}

export function isBuiltInOrigin(origin: string): boolean {
  return originMatches(origin, builtInPatterns());
}
