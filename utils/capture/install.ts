/** Installs every wrapper once. Runs in the page's MAIN world at document_start. */
import type { Post } from './report';
import { wrapFetch } from './fetch';
import { wrapXhr } from './xhr';
import { wrapEventSource, wrapWebSocket } from './event-streams';
import { trackGestures } from './gestures';
import { setGestureTracker } from './report';
import { setPageOrigin } from './adapters';

/**
 * Installs the wrappers once per page and purpose. The diagnostic ("Test this site") installs its own
 * set on top of the product's, under its own flag, so it sees traffic whether or not the site is tracked.
 */
export function installCapture(
  win: typeof globalThis,
  post: Post,
  purpose: 'capture' | 'diagnose' = 'capture',
): boolean {
  const INSTALLED = Symbol.for(`tokenwise.${purpose}`);
  const flagged = win as unknown as Record<symbol, boolean>;
  if (flagged[INSTALLED]) return false; // static and runtime registration both matched: wrap once
  Object.defineProperty(win, INSTALLED, { value: true });
  try {
    // A public AI app's page: its adapter reads its own traffic and nothing else (capture/adapters.ts).
    setPageOrigin(win.location?.origin);
  } catch {
    setPageOrigin(undefined);
  }
  try {
    setGestureTracker(trackGestures(win));
  } catch {
    // without gesture tracking every call counts as the user's own
  }
  for (const wrap of [wrapFetch, wrapXhr, wrapEventSource, wrapWebSocket]) {
    try {
      wrap(win, post);
    } catch {
      // one missing API must not stop the others
    }
  }
  return true;
}
