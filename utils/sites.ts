/**
 * Which pages Tokenwise runs on: the built-in public AI apps in every build; the demo internal tool only in
 * development/demo builds (`npm start`, tests), never in the production build.
 */
import { MatchPattern } from 'wxt/utils/match-patterns';

/** Output paths of the two unlisted scripts (entrypoints/page-hook.ts and entrypoints/relay.ts). */
export const HOOK_JS = 'page-hook.js';
export const RELAY_JS = 'relay.js';

/**
 * Built-in sites shipped in every build: the public AI apps' adapters' `matches` (utils/adapters/), in
 * registry order. They are the manifest's static content scripts and, through them, its only host access.
 * Written out here because wxt.config.ts loads this file in Node, where the adapters' `@/` imports do not
 * resolve; tests/unit/adapters/registry.test.ts fails when this list and the registry disagree.
 */
export const BUILTIN_MATCHES: readonly string[] = [
  'https://chatgpt.com/*',
  'https://chat.openai.com/*',
  'https://claude.ai/*',
  'https://gemini.google.com/*',
  'https://copilot.microsoft.com/*',
  'https://www.perplexity.ai/*',
];

/**
 * The bundled demo tool and test fixtures: any port on 127.0.0.1. Demo builds only. (`localhost` is left
 * out on purpose: it stands for "a site the user adds" in the end-to-end tests.)
 */
export const DEMO_MATCHES: readonly string[] = ['http://127.0.0.1/*'];

/** True when `origin` is covered by one of the match patterns. */
export function originMatches(origin: string, patterns: readonly string[]): boolean {
  return patterns.some((p) => {
    try {
      return new MatchPattern(p).includes(`${origin}/`);
    } catch {
      return false;
    }
  });
}

/**
 * The match pattern that grants or registers one origin (any path). Firefox's match patterns cannot name a
 * port: one that does matches no page at all (seen in Firefox 153: access granted, scripts registered, and
 * never injected), so there the pattern covers every port of the host. What is recorded is still only the
 * exact origins in the user's list: the background checks the sender's origin (background/tracked.ts).
 */
export function originPattern(origin: string, firefox: boolean = import.meta.env.FIREFOX): string {
  if (!firefox) return `${origin}/*`;
  const { protocol, hostname } = new URL(origin);
  return `${protocol}//${hostname}/*`;
}

/** A short human label for a site origin: the host, with the port when it has one. */
export function siteLabel(origin: string): string {
  try {
    return new URL(origin).host;
  } catch {
    return origin;
  }
}
