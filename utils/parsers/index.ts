/**
 * Entry point for the page hook: pick a parser for a response body by its content type, feed it decoded text as it
 * arrives, call finish once. Formats are plug-ins: adding one = one module implementing `WireFormat`, listed in
 * FORMATS. Nothing here throws; anything unexpected degrades to "not recognised" / [].
 */
import { aiSdk } from '@/utils/parsers/ai-sdk';
import { anthropicMessages } from '@/utils/parsers/anthropic-messages';
import { bedrockConverse } from '@/utils/parsers/bedrock-converse';
import { endTurn, isObj, newTurn, parseJson, str, type TurnState, type WireFormat } from '@/utils/parsers/common';
import { gemini } from '@/utils/parsers/gemini';
import { createArraySplitter } from '@/utils/parsers/ndjson';
import { ollama } from '@/utils/parsers/ollama';
import { openaiChat } from '@/utils/parsers/openai-chat';
import { openaiResponses } from '@/utils/parsers/openai-responses';
import { createSseDecoder, type SseEvent } from '@/utils/parsers/sse';
import type { BodyParser, ParsedTurn, WireFormatId } from '@/utils/parsers/types';
import { usageJson } from '@/utils/parsers/usage-json';

/**
 * Tried in order, on the first events of a stream and on whole JSON bodies. `usage-json` (any object with an id and a
 * usage object) is the last resort: it claims only what no specific format did.
 */
export const FORMATS: readonly WireFormat[] = [
  openaiChat,
  openaiResponses,
  anthropicMessages,
  bedrockConverse,
  gemini,
  ollama,
  aiSdk,
  usageJson,
];

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

/** Receives the events of one body (SSE events, NDJSON lines or JSON array elements) and detects their format. */
interface Events {
  on(e: SseEvent): void;
  end(aborted: boolean): ParsedTurn[];
  /** Gave up: the first events matched no format. */
  readonly off: boolean;
  readonly seen: boolean;
  readonly format: WireFormatId | undefined;
}

function createEvents(): Events {
  let fmt: WireFormat | undefined;
  let t: TurnState | undefined;
  let misses = 0;
  let done: ParsedTurn[] = []; // finished earlier replies, or complete reply objects sent as one event
  const snaps = new Map<string | undefined, number>(); // snapshot record id → its index in `done`
  let seen = false;

  return {
    on(e) {
      const j = parseJson(e.data);
      if (!fmt) {
        if (misses > GIVE_UP) return;
        // non-object data can still name the format by its event type (AI SDK data stream `0:"text"`)
        fmt = FORMATS.find((f) => f.sniff(isObj(j) ? j : {}, e.type));
        if (!fmt) {
          if (isObj(j)) {
            for (const f of FORMATS) {
              const r = f.body(j);
              if (r) {
                seen = true;
                for (const x of r) {
                  // a record pushed again (job status stream): keep its latest snapshot only
                  const i = x.snapshot ? snaps.get(x.id) : undefined;
                  if (i === undefined) {
                    if (x.snapshot) snaps.set(x.id, done.length);
                    done.push(x);
                  } else done[i] = x;
                }
                return;
              }
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
    },
    end: (aborted) => (t ? done.concat(endTurn(t, aborted)) : done),
    get off() {
      return misses > GIVE_UP;
    },
    get seen() {
      return seen;
    },
    get format() {
      return fmt?.id ?? done[0]?.format;
    },
  };
}

/** SSE (or, with `lines`, NDJSON / AI SDK data stream / SSE-in-text/plain) stream: format from the first events. */
function streamParser(lines: boolean): TurnParser {
  const ev = createEvents();
  const dec = createSseDecoder(ev.on, { ndjson: lines });
  let broken = false;
  return {
    push(chunk: string): void {
      try {
        if (!broken && !ev.off) dec.push(chunk);
      } catch {
        broken = true;
      }
    },
    finish(aborted: boolean): ParsedTurn[] {
      try {
        dec.end();
        return ev.end(aborted);
      } catch {
        return [];
      }
    },
    get recognised() {
      return ev.seen;
    },
    get format() {
      return ev.format;
    },
  };
}

/**
 * A JSON body. An array (`[{…},{…}]`, e.g. Gemini's streamed chunks) is read element by element as it arrives, like a
 * stream. Anything else is buffered (up to JSON_CAP) and parsed once at finish: one object for the formats' `body`, or,
 * when it is not one JSON value, read as an event stream / NDJSON mislabelled as JSON.
 */
function jsonParser(): TurnParser {
  let parts: string[] = [];
  let len = 0;
  let mode = 0; // 0: only whitespace so far, 1: buffered, 2: array read element by element
  let seen = false;
  let found: WireFormatId | undefined;
  let ev = createEvents();
  const items = createArraySplitter((data) => ev.on({ type: '', data, id: '' }), JSON_CAP);

  return {
    push(chunk: string): void {
      try {
        if (!mode) {
          const i = chunk.search(/\S/);
          if (i < 0) return;
          mode = chunk.charCodeAt(i) === 91 ? 2 : 1;
        }
        if (mode === 2) {
          if (!ev.off) items(chunk);
          return;
        }
        if (len > JSON_CAP) return;
        len += chunk.length;
        if (len > JSON_CAP) parts = [];
        else parts.push(chunk);
      } catch {
        len = JSON_CAP + 1;
        mode = 1;
      }
    },
    get satisfied() {
      return mode === 1 && len > JSON_CAP; // too big to parse: nothing more to learn from it
    },
    finish(aborted: boolean): ParsedTurn[] {
      try {
        if (mode === 2) return ev.end(aborted);
        if (mode !== 1 || len > JSON_CAP) return [];
        const text = parts.join('');
        parts = [];
        const j = parseJson(text);
        if (j === undefined) {
          // not one JSON value: maybe an event stream or NDJSON mislabelled as JSON
          ev = createEvents();
          const dec = createSseDecoder(ev.on, { ndjson: true });
          dec.push(text);
          dec.end();
          return ev.end(false);
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
      return seen || ev.seen;
    },
    get format() {
      return found ?? ev.format;
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
