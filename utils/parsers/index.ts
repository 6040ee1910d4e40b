/**
 * Entry point for the page hook: pick a parser for a response body by its content type, feed it decoded text as it
 * arrives, call finish once. Formats are plug-ins: adding one = one module implementing `WireFormat`, listed in
 * FORMATS. Nothing here throws; anything unexpected degrades to "not recognised" / [].
 */
import { aiSdk } from '@/utils/parsers/ai-sdk';
import { anthropicMessages } from '@/utils/parsers/anthropic-messages';
import { bedrockConverse } from '@/utils/parsers/bedrock-converse';
import {
  addText,
  TEXT_CAP,
  endTurn,
  isObj,
  newTurn,
  parseJson,
  str,
  type TurnState,
  type WireFormat,
} from '@/utils/parsers/common';
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

/**
 * What no format's `body` (nor an event stream mislabelled as JSON) can do without: usage in any spelling, Gemini's
 * candidates, Bedrock's stopReason, OpenAI's chat.completion, an Anthropic message or error (`"type":"message…"`),
 * a Responses object or event, Ollama's `done` flag, the AI SDK's finish parts and text lines. Bare words such as
 * `message`, `response` or `created_at` are not enough: ordinary app data is full of them, and every body they let
 * through is parsed whole on the page's main thread.
 */
const MAYBE_MODEL_REPLY =
  /[uU]sage|candidates|stopReason|chat\.completion|finishReason|(^|\n)0:"|"(?:type|object|done)"\s*:\s*(?:"(?:message|error|response)|true|false)/;

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
  /** Counts an event as matching no format without parsing it (see MAYBE_MODEL_REPLY). */
  miss(): void;
  /** Gave up: the first events matched no format. */
  readonly off: boolean;
  readonly seen: boolean;
  readonly format: WireFormatId | undefined;
}

/**
 * The fast path for the bulk of a long reply. Most events of a stream are text deltas that differ only in
 * their text: `{"id":"c1",…,"delta":{"content":"` + text + `"},…}`. Once an event has proved to be exactly
 * that (the format added one piece of text and changed nothing else), later events with the same event
 * type, the same bytes before the text and the same bytes after it, and a text with nothing JSON would
 * escape, carry exactly that text, so it is added without parsing. Anything else (usage, a finish reason,
 * a tool call, an escape sequence) takes the normal path. Same counts, a fraction of the cost.
 */
interface Envelope {
  type: string;
  head: string;
  tail: string;
}

/** Characters a JSON string cannot hold unescaped, and the quote that would end it. */
// eslint-disable-next-line no-control-regex -- exactly the characters JSON requires escaped
const NEEDS_PARSING = /["\\\u0000-\u001f]/;

/**
 * The envelope of `data` around `text`, if the text appears in it exactly once as a JSON string in the usual
 * escaping (servers that escape differently, e.g. all non-ASCII as \uXXXX, simply keep the normal path).
 */
function envelopeOf(type: string, data: string, text: string): Envelope | undefined {
  const quoted = JSON.stringify(text);
  const at = data.indexOf(quoted);
  if (at < 0 || data.indexOf(quoted, at + 1) >= 0) return undefined;
  return { type, head: data.slice(0, at + 1), tail: data.slice(at + quoted.length - 1) };
}

/**
 * The text of an event in `env`'s envelope, or undefined when it needs the normal path. Between the envelope's
 * quotes there must be exactly one JSON string: plain characters are the text as they are; with escapes
 * (a reply's newlines) the string alone is parsed, which fails on a quote that would end it early.
 */
function textIn(env: Envelope, e: SseEvent, lengthOnly: boolean): string | undefined {
  const { head, tail } = env;
  const d = e.data;
  if (e.type !== env.type || d.length <= head.length + tail.length) return undefined;
  if (!d.startsWith(head) || !d.endsWith(tail)) return undefined;
  const raw = d.slice(head.length, d.length - tail.length);
  // Past the kept text only the length counts (for an estimate, should no usage come): the escaped form is
  // a hair longer than the text (`\n` is two characters for one), well inside an estimate's error.
  if (lengthOnly && raw.indexOf('"') < 0) return raw;
  if (!NEEDS_PARSING.test(raw)) return raw;
  try {
    const text = JSON.parse(`"${raw}"`) as unknown;
    return typeof text === 'string' ? text : undefined;
  } catch {
    return undefined;
  }
}

/** Everything a format may change in a turn apart from its text. */
function fingerprint(t: TurnState): string {
  let tools = t.seen?.size ?? 0;
  for (const k in t.tools) tools += t.tools[k]!;
  return `${t.id}|${t.model}|${t.usage?.inputTokens}|${t.usage?.outputTokens}|${t.input?.join()}|${tools}|${t.done}|${t.error}`;
}

function createEvents(): Events {
  let fmt: WireFormat | undefined;
  let t: TurnState | undefined;
  let misses = 0;
  let done: ParsedTurn[] = []; // finished earlier replies, or complete reply objects sent as one event
  const snaps = new Map<string | undefined, number>(); // snapshot record id → its index in `done`
  let seen = false;
  let envelope: Envelope | undefined;
  let learning = 8;

  return {
    on(e) {
      if (envelope && t && !t.done) {
        const text = textIn(envelope, e, t.len >= TEXT_CAP);
        if (text !== undefined) return addText(t, text);
      }
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
      // Learn (or, when the last envelope stopped fitting, learn again) the shape of a plain text delta:
      // one piece of text added and nothing else changed. Only a few tries per stream, so a format whose
      // deltas never share an envelope (a sequence number in each) pays next to nothing for them.
      if (learning > 0) {
        const before = t.pieces ?? 0;
        const state = fingerprint(t);
        fmt.event(t, j, e.type, e.data);
        if (t.pieces === before + 1 && t.lastText) {
          learning--;
          if (fingerprint(t) === state) envelope = envelopeOf(e.type, e.data, t.lastText) ?? envelope;
        }
      } else fmt.event(t, j, e.type, e.data);
    },
    end: (aborted) => (t ? done.concat(endTurn(t, aborted)) : done),
    miss: () => void misses++,
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
  // Until an element has named the format, one without any of a format's words is a miss, left unparsed: an
  // app's array of records gives up after GIVE_UP elements at the price of a regex each.
  const items = createArraySplitter((data) => {
    if (ev.seen || MAYBE_MODEL_REPLY.test(data)) ev.on({ type: '', data, id: '' });
    else ev.miss();
    return ev.off;
  }, JSON_CAP);

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
      // Nothing more to learn: too big to parse, or an array whose first elements were no model's.
      return mode === 1 ? len > JSON_CAP : mode === 2 && ev.off;
    },
    finish(aborted: boolean): ParsedTurn[] {
      try {
        if (mode === 2) return ev.end(aborted);
        if (mode !== 1 || len > JSON_CAP) return [];
        const text = parts.join('');
        parts = [];
        // Most JSON a page receives is app data. Every format needs one of these words somewhere in its
        // body, and looking for them costs a fraction of parsing the whole body.
        if (!MAYBE_MODEL_REPLY.test(text)) return [];
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
