/**
 * Incremental Server-Sent Events decoder (WHATWG HTML "event stream" interpretation): `event:`, `data:` (several lines
 * joined by "\n"), `id:`, `retry:` ignored, `:` comments, one optional space after the colon, LF / CRLF / CR line
 * endings, a leading BOM, chunk boundaries anywhere. Deliberately lenient in one way: `end()` dispatches a last event
 * that is missing its closing blank line (servers that stop right after `data: [DONE]\n`).
 *
 * With `ndjson: true` a line that starts with `{` (which an SSE parser would ignore) is dispatched as an event of its
 * own with type '' — the same decoder then reads NDJSON bodies and SSE served as text/plain. It also dispatches the
 * Vercel AI SDK data stream's `CODE:JSON` lines (`0:"text"`, `f:{…}`: one letter or digit, a colon, then a JSON string,
 * object or array) as events of type `CODE:` — an SSE field name is never one character, so nothing real is lost.
 */
import { createLineSplitter } from '@/utils/parsers/ndjson';

const DATA_STREAM = /^[0-9a-z]:["{[]/;

export interface SseEvent {
  /** `event:` field, 'message' when absent ('' for an NDJSON line, `0:`… for an AI SDK data stream line). */
  type: string;
  data: string;
  /** Last event id seen on the stream ('' if none). */
  id: string;
}

export interface SseDecoder {
  push(chunk: string): void;
  end(): void;
}

export function createSseDecoder(onEvent: (e: SseEvent) => void, opts?: { ndjson?: boolean }): SseDecoder {
  const ndjson = !!opts?.ndjson;
  let data: string[] = [];
  let type = '';
  let id = '';
  let first = true;

  const dispatch = (): void => {
    if (data.length) onEvent({ type: type || 'message', data: data.join('\n'), id });
    data = [];
    type = '';
  };

  const lines = createLineSplitter((raw) => {
    let line = raw;
    if (first) {
      first = false;
      if (line.charCodeAt(0) === 0xfeff) line = line.slice(1);
    }
    if (!line) return dispatch();
    const c0 = line.charCodeAt(0);
    if (c0 === 58) return; // ":" comment
    if (ndjson && (c0 === 123 || DATA_STREAM.test(line))) {
      dispatch();
      const code = c0 !== 123;
      return onEvent({ type: code ? line.slice(0, 2) : '', data: code ? line.slice(2) : line, id });
    }
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32) value = value.slice(1);
    if (field === 'data') data.push(value);
    else if (field === 'event') type = value;
    else if (field === 'id' && !value.includes('\0')) id = value;
  });

  return {
    push: (chunk) => lines.push(chunk),
    end(): void {
      lines.end();
      dispatch();
    },
  };
}
