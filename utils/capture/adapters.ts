/**
 * Dispatch to the public AI apps' adapters (utils/adapters/). On a page whose origin one adapter's `matches`
 * cover, only the requests its `traffic` names are read, by its own parser; everything else on the page is
 * left alone (not even the generic detector: these apps make many requests). Elsewhere (the demo tool, the
 * user's own tools) this returns 'generic' and nothing changes.
 */
import { ADAPTERS } from '../adapters';
import type { ConversationContext, SiteAdapter } from '../adapters/types';

export type Route = { kind: 'generic' } | { kind: 'skip' } | { kind: 'adapter'; adapter: SiteAdapter };

const GENERIC: Route = { kind: 'generic' };
const SKIP: Route = { kind: 'skip' };

/** True when the match pattern (`https://chatgpt.com/*`, `*://*.example.com/*`) covers the origin. */
export function patternCoversOrigin(pattern: string, origin: string): boolean {
  const m = /^(\*|https?):\/\/([^/]+)\//.exec(pattern);
  const o = /^(https?):\/\/([^/:]+)(?::\d+)?$/.exec(origin);
  if (!m || !o) return false;
  const [, scheme, host] = m as unknown as [string, string, string];
  if (scheme !== '*' && scheme !== o[1]) return false;
  if (host === '*') return true;
  if (host.startsWith('*.')) return o[2] === host.slice(2) || o[2]!.endsWith(host.slice(1));
  return o[2] === host;
}

/** The adapter whose pages these are, if any. */
export function adapterForOrigin(origin: string): SiteAdapter | undefined {
  return ADAPTERS.find((a) => a.matches.some((p) => patternCoversOrigin(p, origin)));
}

/** Tokens per key, for the page's lifetime (see ConversationContext). */
export function createConversationContext(limit = 5_000): ConversationContext {
  const tokens = new Map<string, number>();
  return {
    tokensSoFar: (id) => tokens.get(id) ?? 0,
    add(id, n) {
      if (!(n > 0)) return;
      if (!tokens.has(id) && tokens.size >= limit) tokens.delete(tokens.keys().next().value!);
      tokens.set(id, (tokens.get(id) ?? 0) + n);
    },
  };
}

let page: { adapter: SiteAdapter | undefined; context: ConversationContext } | undefined;

/** Sets the page's origin (the hook does it once at install; tests set another). */
export function setPageOrigin(origin: string | undefined): void {
  page = { adapter: origin ? adapterForOrigin(origin) : undefined, context: createConversationContext() };
}

function current() {
  if (!page) setPageOrigin(typeof location === 'undefined' ? undefined : location.origin);
  return page!;
}

/** The page's conversation context (one per page, in memory). */
export const pageContext = (): ConversationContext => current().context;

/** The path and query of a request URL as the page resolves it; undefined when it does not parse. */
function pathAndQuery(url: string): string | undefined {
  try {
    // Outside a page (tests) a relative URL resolves against a bare scheme: only its path and query count.
    const u = new URL(url, typeof location === 'undefined' ? 'x:/' : location.href);
    return u.pathname + u.search;
  } catch {
    return undefined;
  }
}

/** How a request on this page is read. */
export function routeOf(url: string): Route {
  const { adapter } = current();
  if (!adapter) return GENERIC;
  const pq = pathAndQuery(url);
  if (pq === undefined) return SKIP;
  return adapter.traffic.some((re) => re.test(pq)) ? { kind: 'adapter', adapter } : SKIP;
}
