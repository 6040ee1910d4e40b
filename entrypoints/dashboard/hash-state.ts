/**
 * The view lives in the address's hash (`#range=30d&task=<id>`), so the popup can deep-link to one task
 * (`dashboard.html#task=<encodeURIComponent(id)>`) and a reload keeps what was on screen.
 *
 * Parsed by hand rather than with URLSearchParams: that decodes `+` as a space, and task ids come from the
 * traffic (agent run ids) where a literal `+` is possible. Senders use encodeURIComponent, and so do we.
 */
import { DEFAULT_RANGE, isRangeId, type RangeId } from './ranges';

export interface HashState {
  range: RangeId;
  /** The task whose detail is open, if any. */
  task?: string;
}

const decode = (s: string): string | undefined => {
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined; // a malformed escape in a hand-edited address: ignore that part
  }
};

/** Reads a hash such as `#range=90d&task=t%7Chttp…`; anything unknown or malformed falls back to defaults. */
export function parseHash(hash: string): HashState {
  const state: HashState = { range: DEFAULT_RANGE };
  for (const part of hash.replace(/^#/, '').split('&')) {
    const eq = part.indexOf('=');
    if (eq < 1) continue;
    const key = part.slice(0, eq);
    const value = decode(part.slice(eq + 1));
    if (!value) continue;
    if (key === 'range' && isRangeId(value)) state.range = value;
    else if (key === 'task') state.task = value;
  }
  return state;
}

/** The hash for a view; `parseHash(formatHash(s))` gives `s` back. */
export function formatHash(s: HashState): string {
  return `#range=${encodeURIComponent(s.range)}${s.task ? `&task=${encodeURIComponent(s.task)}` : ''}`;
}
