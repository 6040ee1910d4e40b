/**
 * The conversation a page address stands for, as a short hash: enough to tell conversations apart and
 * group a conversation's turns, never enough to read the address back (a path can hold a conversation's
 * own words, e.g. a search slug).
 */

/** FNV-1a, 53 bits: fast, deterministic, no crypto needed (this is a grouping key, not a secret). */
function fnv53(s: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
  }
  return (((h2 >>> 0) & 0x1fffff) * 0x100000000 + (h1 >>> 0)).toString(36);
}

export function conversationKey(pathname: string, search = ''): string {
  return fnv53(`${pathname.replace(/\/+$/, '') || '/'}${search}`);
}

/** The tab strip's title, trimmed to what the message schema allows; undefined when empty. */
export function pageTitle(title: string): string | undefined {
  const t = title.replace(/\s+/g, ' ').trim();
  return t ? t.slice(0, 200) : undefined;
}
