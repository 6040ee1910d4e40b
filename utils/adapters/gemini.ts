/**
 * Gemini (gemini.google.com). What is publicly known (../shared/docs/ai-sites.md): a reply is
 * `POST /_/BardChatUi/data/assistant.lamda.BardFrontendService/StreamGenerate?…` (usually XHR; `/u/N/…` for a second
 * signed-in account), form-encoded, the field `f.req` being JSON `[null, "<inner JSON>"]` with the prompt at inner
 * `[0][0]` and the conversation's ids at inner `[2]` (`[conversation, response, candidate]`, empty for a new chat).
 *
 * The response uses Google's framing: a `)]}'` guard line, then `<length>\n<json>\n` frames where the length counts
 * UTF-16 code units (JavaScript string length) from just after the digits — the newline after the number and the
 * one after the JSON included, as public clients read it (a length that covers only the JSON is tolerated: the frame
 * is then read to its line end). Each frame is an array of entries; a `["wrb.fr", null, "<json>"]` entry carries the
 * reply state: inner `[1]` = `[conversation id, response id]`, inner `[4]` = candidates `[candidate id, [text], …]`.
 * The text is CUMULATIVE (every frame repeats the reply so far): the reply is the last text, never the sum. The batch
 * ends with an `["e", …]` entry: without it the stream was cut (stop pressed, network) and the turn is aborted.
 * No usage, no model name: counts are estimates. Key: conversation, response and candidate ids (a regeneration is a
 * new candidate id: counted once more; a replayed stream is the same key: counted once).
 * Tests: tests/unit/adapters/gemini.test.ts over tests/fixtures/gemini/.
 */
import { estimateTokens } from '@/utils/parsers/estimate';
import { arr, parseJson, str } from '@/utils/parsers/common';
import type { BodyParser } from '@/utils/parsers/types';
import type { ConversationContext, SiteAdapter, TrafficMeta } from './types';
import { addToContext, inputFields, ReplyText, type SiteTurn } from './shared';

const STREAM_GENERATE =
  /^(?:\/u\/\d+)?\/_\/BardChatUi\/data\/assistant\.lamda\.BardFrontendService\/StreamGenerate(?:[?#]|$)/;

/** Longest frame read (UTF-16 units): a longer one is skipped whole. */
const MAX_FRAME = 16 << 20;

interface Request {
  prompt: string;
  conversationId?: string;
}

/** The prompt and conversation id from the form body's `f.req` (undefined parts when the body is not that shape). */
function readRequest(body: string | undefined): Request {
  const req: Request = { prompt: '' };
  try {
    if (typeof body !== 'string' || body.length > 32 << 20) return req;
    const field = new URLSearchParams(body).get('f.req');
    if (!field) return req;
    const outer = parseJson(field);
    const innerText = Array.isArray(outer) ? outer[1] : undefined;
    if (typeof innerText !== 'string') return req;
    const inner = parseJson(innerText);
    if (!Array.isArray(inner)) return req;
    const first: unknown = inner[0];
    if (Array.isArray(first) && typeof first[0] === 'string') req.prompt = first[0];
    const ids: unknown = inner[2];
    if (Array.isArray(ids)) req.conversationId = str(ids[0]);
  } catch {
    // not form-encoded: no prompt
  }
  return req;
}

/**
 * Incremental reader of Google's length-prefixed frames: calls `onFrame` with each frame's parsed JSON. Chunks may
 * end anywhere (inside the guard, the digits or a frame); every step is linear in the input.
 */
function createFrameReader(onFrame: (j: unknown) => void): { push(chunk: string): void; end(): void } {
  let state: 'head' | 'digits' | 'skip' | 'body' | 'toEol' = 'head';
  let digits = '';
  let need = 0;
  let parts: string[] = [];
  let got = 0;

  const emit = (final: boolean): void => {
    const text = parts.join('');
    const j = got <= MAX_FRAME ? parseJson(text) : undefined;
    if (j !== undefined || final || state === 'toEol') {
      parts = [];
      got = 0;
      state = 'head';
      if (j !== undefined) onFrame(j);
    } else state = 'toEol'; // the length covered less than the line: read on to its end, then try again
  };

  const push = (chunk: string): void => {
    let i = 0;
    const n = chunk.length;
    while (i < n) {
      if (state === 'body') {
        const take = Math.min(need - got, n - i);
        if (got + take <= MAX_FRAME) parts.push(chunk.slice(i, i + take));
        got += take;
        i += take;
        if (got >= need) emit(false);
        continue;
      }
      if (state === 'toEol') {
        const eol = chunk.indexOf('\n', i);
        const end = eol < 0 ? n : eol;
        if (got + end - i <= MAX_FRAME) parts.push(chunk.slice(i, end));
        got += end - i;
        i = end;
        if (eol >= 0) emit(true);
        continue;
      }
      const c = chunk.charCodeAt(i);
      if (state === 'skip') {
        // the guard line or anything else we cannot read: up to the next line
        if (c === 10) state = 'head';
        i++;
      } else if (c >= 48 && c <= 57) {
        digits += chunk[i];
        state = 'digits';
        i++;
      } else if (state === 'digits') {
        need = digits.length <= 9 ? Number(digits) : 0;
        digits = '';
        got = 0;
        parts = [];
        state = need > 0 ? 'body' : 'skip';
        // the character after the digits (the newline) is part of the counted length: not consumed here
      } else if (c === 32 || c === 9 || c === 10 || c === 13) i++;
      else state = 'skip';
    }
  };

  return {
    push,
    end(): void {
      if (state === 'body' || state === 'toEol') emit(true);
    },
  };
}

/** The reply state a `wrb.fr` entry carries, or undefined when the entry is not that shape. */
interface Reply {
  conversationId: string;
  responseId?: string;
  candidates: { id?: string; text: string }[];
}

function readReply(entry: unknown): Reply | undefined {
  if (!Array.isArray(entry) || entry[0] !== 'wrb.fr' || typeof entry[2] !== 'string') return undefined;
  const inner = parseJson(entry[2]);
  if (!Array.isArray(inner)) return undefined;
  const ids: unknown = inner[1];
  if (!Array.isArray(ids) || typeof ids[0] !== 'string') return undefined;
  const candidates: Reply['candidates'] = [];
  for (const c of arr(inner[4])) {
    if (!Array.isArray(c)) continue;
    const t: unknown = c[1];
    if (Array.isArray(t) && typeof t[0] === 'string') candidates.push({ id: str(c[0]), text: t[0] });
  }
  if (!candidates.length && inner[4] !== null && inner[4] !== undefined) return undefined;
  return { conversationId: ids[0], responseId: str(ids[1]), candidates };
}

function createGeminiParser(meta: TrafficMeta, context: ConversationContext): BodyParser {
  let recognised = false;
  let seen = false; // a reply entry was read (the end marker counts only after one)
  let done = false;
  let finished = false;
  let conversationId: string | undefined;
  let responseId: string | undefined;
  /** One reply per candidate, in order of appearance; each frame replaces its text (cumulative). */
  const candidates = new Map<string, ReplyText>();

  const reader = createFrameReader((frame) => {
    for (const entry of arr(frame)) {
      if (Array.isArray(entry) && entry[0] === 'e' && seen) {
        done = true;
        continue;
      }
      const r = readReply(entry);
      if (!r) continue;
      seen = true;
      // reading reply text is what "recognised" means: frames whose candidates changed shape show as drift
      if (r.candidates.length) recognised = true;
      conversationId = r.conversationId || conversationId;
      responseId = r.responseId ?? responseId;
      r.candidates.forEach((c, i) => {
        const key = c.id ?? `#${i}`;
        let text = candidates.get(key);
        if (!text) {
          if (candidates.size >= 8) return;
          text = new ReplyText();
          candidates.set(key, text);
        }
        // an empty text does not undo what was generated (a withdrawn or glitched frame): last non-empty wins
        if (c.text) text.replace(c.text);
      });
    }
  });

  return {
    push(chunk: string): void {
      try {
        if (!finished) reader.push(chunk);
      } catch {
        // never throw into the page
      }
    },
    finish(aborted: boolean): SiteTurn[] {
      if (finished) return [];
      finished = true;
      try {
        reader.end();
        if (!recognised || !candidates.size) return [];
        const req = readRequest(meta.requestBody);
        const conv = conversationId ?? req.conversationId;
        const prompt = estimateTokens(req.prompt);
        const turns: SiteTurn[] = [];
        let generated = 0;
        for (const [key, text] of candidates) {
          const output = text.estimate();
          generated += output;
          const turn: SiteTurn = {
            format: 'gemini-web',
            id: [conv ?? '', responseId ?? '', key].join(':'),
            text: text.text,
            estimatedOutputTokens: output,
            aborted: aborted || !done,
            // the prompt and context were sent once, whatever the number of drafts
            ...(turns.length ? { estimatedInputTokens: 0 } : inputFields(context, conv, prompt, req.prompt)),
          };
          if (conv) turn.conversationId = conv;
          turns.push(turn);
        }
        // the conversation shows one draft: add the first one (the others are alternatives)
        const shown = turns[0]?.estimatedOutputTokens ?? generated;
        addToContext(context, conv, prompt + shown);
        return turns;
      } catch {
        return [];
      }
    },
    get recognised() {
      return recognised;
    },
  };
}

export const gemini: SiteAdapter = {
  id: 'gemini',
  name: 'Gemini',
  matches: ['https://gemini.google.com/*'],
  traffic: [STREAM_GENERATE],
  createParser: (meta, context) => createGeminiParser(meta, context),
  provenance: 'estimated',
  selectors: {},
};
