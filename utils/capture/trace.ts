/**
 * The diagnostic's view of each response ("Test this site"): what the hook saw and what became of it, with
 * the address cut to origin and path. Used by the diagnostic hook only (see setTracer in report.ts).
 */
import type { SeenEvent } from '../diagnose-messages';
import type { Tracer } from './report';

/** Origin and path only, and the path shortened: enough to recognise an endpoint, never a secret. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url, location.href);
    const path = u.pathname.length > 120 ? `${u.pathname.slice(0, 117)}...` : u.pathname;
    return `${u.origin}${path}`;
  } catch {
    return '(unparseable URL)';
  }
}

/** A tracer that turns each sighting into a SeenEvent for `sink`; never throws into the page. */
export function seenEventTracer(sink: (e: SeenEvent) => void): Tracer {
  return (meta, contentType, outcome, extra = {}) => {
    try {
      sink({
        type: 'seen',
        at: meta.startedAt,
        transport: meta.transport,
        method: meta.method.toUpperCase().slice(0, 10),
        url: redactUrl(meta.url),
        contentType: contentType.split(';')[0]!.trim().slice(0, 120),
        outcome,
        ...extra,
      });
    } catch {
      // diagnostics must never disturb the page
    }
  };
}
