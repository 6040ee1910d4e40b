/**
 * Entry point for the page hook: pick a parser for a response body by its content type, feed it decoded text as it
 * arrives, call finish once. Formats are plug-ins: adding one = one module implementing `WireFormat`, listed in
 * FORMATS. Nothing here throws; anything unexpected degrades to "not recognised" / [].
 */
import { anthropicMessages } from '@/utils/parsers/anthropic-messages';
import { endTurn, isObj, newTurn, parseJson, str, type TurnState, type WireFormat } from '@/utils/parsers/common';
import { openaiChat } from '@/utils/parsers/openai-chat';
import { openaiResponses } from '@/utils/parsers/openai-responses';
import { createSseDecoder, type SseEvent } from '@/utils/parsers/sse';
import type { BodyParser, ParsedTurn, WireFormatId } from '@/utils/parsers/types';

/** Tried in order, on the first JSON events of a stream and on whole JSON bodies. */
export const FORMATS: readonly WireFormat[] = [openaiChat, openaiResponses, anthropicMessages];

/** A JSON body larger than this (characters) is not parsed at all. */
export const JSON_CAP = 8 << 20;
/** A stream whose first this-many data events match no format is ignored from then on. */
const GIVE_UP = 64;

export interface TurnParser extends BodyParser {
  /** The format detected so far, if any. */
  readonly format: WireFormatId | undefined;
}

type Kind = 'sse' | 'json' | 'lines';

/** How a response body of this content type is read; null when it is not worth reading. */
export function bodyKind(contentType: string): Kind | null {
  const m = (contentType.split(';')[0] ?? '').trim().toLowerCase();
  if (m === 'text/event-stream') return 'sse';
  if (/^(text\/plain|application\/(x-)?(nd-?json|jsonl(ines)?|json-?seq|json-stream|stream\+json)|)$/.test(m)) {
    return 'lines';
  }
  if (/^(application|text)\/(x-)?json$|^application\/[\w.-]+\+json$/.test(m)) return 'json';
  return null;
}

/** SSE (or, with `lines`, NDJSON / SSE-in-text/plain) stream: detects the format from the first events. */
function streamParser(lines: boolean): TurnParser {
  let fmt: WireFormat | undefined;
  let t: TurnState | undefined;
  let misses = 0;
  let done: ParsedTurn[] = []; // finished earlier replies, or complete reply objects sent as one event
  let seen = false;

  const onEvent = (e: SseEvent): void => {
    const j = parseJson(e.data);
    if (!fmt) {
      if (misses > GIVE_UP || !isObj(j)) return void misses++;
      fmt = FORMATS.find((f) => f.sniff(j, e.type));
      if (!fmt) {
        for (const f of FORMATS) {
          const r = f.body(j);
          if (r) {
            seen = true;
            done = done.concat(r);
            return;
          }
        }
        return void misses++;
      }
      seen = true;
      t = newTurn(fmt.id);
    }
    if (!t) return;
    if (t.done && isObj(j)) {
      const id = str(fmt.replyId(j));
      if (id && t.id && id !== t.id) {
        done = done.concat(endTurn(t, false));
        t = newTurn(fmt.id);
      }
    }
    fmt.event(t, j, e.type, e.data);
  };
  const dec = createSseDecoder(onEvent, { ndjson: lines });

  return {
    push(chunk: string): void {
      try {
        if (misses <= GIVE_UP) dec.push(chunk);
      } catch {
        misses = GIVE_UP + 1;
      }
    },
    finish(aborted: boolean): ParsedTurn[] {
      try {
        dec.end();
        return t ? done.concat(endTurn(t, aborted)) : done;
      } catch {
        return [];
      }
    },
    get recognised() {
      return seen;
    },
    get format() {
      return fmt?.id ?? done[0]?.format;
    },
  };
}

/** A whole JSON body: buffered (up to JSON_CAP) and parsed once at finish. */
function jsonParser(): TurnParser {
  let parts: string[] = [];
  let len = 0;
  let seen = false;
  let found: WireFormatId | undefined;

  return {
    push(chunk: string): void {
      try {
        if (len > JSON_CAP) return;
        len += chunk.length;
        if (len > JSON_CAP) parts = [];
        else parts.push(chunk);
      } catch {
        len = JSON_CAP + 1;
      }
    },
    finish(): ParsedTurn[] {
      try {
        if (len > JSON_CAP) return [];
        const text = parts.join('');
        parts = [];
        const j = parseJson(text);
        if (j === undefined) {
          // not one JSON value: maybe an event stream or NDJSON mislabelled as JSON
          const p = streamParser(true);
          p.push(text);
          const r = p.finish(false);
          seen = p.recognised;
          found = p.format;
          return r;
        }
        if (!isObj(j)) return [];
        for (const f of FORMATS) {
          const r = f.body(j);
          if (r) {
            seen = true;
            found = f.id;
            return r;
          }
        }
      } catch {
        // fall through
      }
      return [];
    },
    get recognised() {
      return seen;
    },
    get format() {
      return found;
    },
  };
}

/**
 * A parser for one response body, or null when the content type is not worth reading (images, HTML, scripts, fonts,
 * binary...). text/event-stream: SSE; application/json and +json: one JSON body; NDJSON / text/plain / missing type:
 * NDJSON lines and SSE fields.
 */
export function createBodyParser(contentType: string): TurnParser | null {
  try {
    const k = bodyKind(contentType);
    return k === 'json' ? jsonParser() : k ? streamParser(k === 'lines') : null;
  } catch {
    return null;
  }
}

/** The turns in a complete body (pushed whole, then finish(false)); [] when unreadable or unrecognised. */
export function parseBody(contentType: string, body: string): ParsedTurn[] {
  const p = createBodyParser(contentType);
  if (!p) return [];
  p.push(body);
  return p.finish(false);
}

export type { BodyParser, ParsedTurn, WireFormatId } from '@/utils/parsers/types';
export { estimateTokens, createEstimator, estimateRequestInputTokens } from '@/utils/parsers/estimate';
