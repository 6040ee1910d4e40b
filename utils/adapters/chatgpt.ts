/**
 * ChatGPT (chatgpt.com, chat.openai.com). Everything Tokenwise knows of the site is here (STYLE.md §2).
 *
 * Send: `POST /backend-api/f/conversation` (older `/backend-api/conversation`, logged out `/backend-anon/…`),
 * JSON `{ action, messages: [{ id, author: { role: 'user' }, content: { parts } }], parent_message_id, model,
 * conversation_id? }`. Reply: SSE in the "v1 delta encoding": `event: delta_encoding` / `data: "v1"`, then
 * `event: delta` frames of patch operations `{ p, o, v }` applied to one state object per stream: `add` at the
 * root carries `{ message, conversation_id }`, `append` adds to a string (the reply at
 * `/message/content/parts/0`), `replace` sets a value, `patch` batches several operations, `truncate` and
 * `remove` occur; a frame without `p`/`o` continues the previous operation. `data: [DONE]` ends the stream.
 * The older encoding (each frame the whole `{ message, conversation_id }`) is read too.
 *
 * No token counts travel: the reply is estimated here and re-counted with o200k in the background
 * (provenance 'tokenized'). Key: conversation id + message id, so a regeneration (new message id) counts once
 * more and the same message seen again (replay, reload, a second tab) lands on the same row.
 *
 * Input side: the visible conversation so far plus the new prompt, as an estimate. The context is kept per
 * message node (`ConversationContext` keyed by message id: the tokens of the branch ending at that message),
 * so an edit that branches from an earlier message, or a regeneration, re-sends exactly that branch.
 */
import { TEXT_CAP } from '@/utils/parsers/common';
import { estimateTokens } from '@/utils/parsers/estimate';
import { createSseDecoder } from '@/utils/parsers/sse';
import type { BodyParser, ParsedTurn } from '@/utils/parsers/types';
import type { ConversationContext, SiteAdapter, TrafficMeta } from './types';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);

/** Per-message framing of a chat prompt (role, separators), as in the estimator. */
const PER_MESSAGE = 4;

/** What the request says about the new turn. */
export interface ChatgptRequest {
  prompt: string;
  userMessageId?: string;
  parentId?: string;
  conversationId?: string;
  model?: string;
}

/** Reads the send body; anything unexpected gives an empty prompt (the reply is still counted). */
export function readChatgptRequest(body: string | undefined): ChatgptRequest {
  const out: ChatgptRequest = { prompt: '' };
  try {
    if (!body || body.length > 8 << 20) return out;
    const j = JSON.parse(body) as unknown;
    if (!isObj(j)) return out;
    out.parentId = str(j.parent_message_id);
    out.conversationId = str(j.conversation_id);
    out.model = str(j.model);
    const messages = Array.isArray(j.messages) ? j.messages : [];
    for (let i = messages.length - 1; i >= 0; i--) {
      const m = messages[i];
      if (!isObj(m) || !isObj(m.author) || m.author.role !== 'user') continue;
      out.userMessageId = str(m.id);
      const parts = isObj(m.content) && Array.isArray(m.content.parts) ? m.content.parts : [];
      out.prompt = parts
        .filter((p): p is string => typeof p === 'string')
        .join('\n')
        .slice(0, TEXT_CAP);
      break;
    }
  } catch {
    // not JSON: no prompt
  }
  return out;
}

const UNSAFE = new Set(['__proto__', 'constructor', 'prototype']);

/** The container and key a JSON-pointer-like path points at (`/message/content/parts/0`), if it exists. */
function locate(root: unknown, path: string): { parent: Obj | unknown[]; key: string | number } | undefined {
  const segs = path.split('/').slice(1);
  if (segs.length === 0 || segs.some((s) => UNSAFE.has(s))) return undefined;
  let cur: unknown = root;
  for (let i = 0; i < segs.length - 1; i++) {
    const s = segs[i]!;
    cur = Array.isArray(cur) ? cur[Number(s)] : isObj(cur) ? cur[s] : undefined;
    if (cur === undefined) return undefined;
  }
  const last = segs[segs.length - 1]!;
  if (Array.isArray(cur)) {
    const k = Number(last);
    return Number.isInteger(k) && k >= 0 && k <= cur.length ? { parent: cur, key: k } : undefined;
  }
  return isObj(cur) ? { parent: cur, key: last } : undefined;
}

const get = (at: { parent: Obj | unknown[]; key: string | number }) =>
  (at.parent as Record<string | number, unknown>)[at.key];
const set = (at: { parent: Obj | unknown[]; key: string | number }, v: unknown) => {
  (at.parent as Record<string | number, unknown>)[at.key] = v;
};

/** One message as the stream built it. */
interface Msg {
  conv?: string;
  message: Obj;
}

/** The reply text of a message: text parts, a code/text field, or reasoning summaries. */
export function messageText(message: Obj): string {
  const c = message.content;
  if (!isObj(c)) return '';
  const out: string[] = [];
  if (Array.isArray(c.parts)) for (const p of c.parts) if (typeof p === 'string') out.push(p);
  if (typeof c.text === 'string') out.push(c.text);
  if (Array.isArray(c.thoughts))
    for (const t of c.thoughts) if (isObj(t) && typeof t.content === 'string') out.push(t.content);
  return out.join('\n');
}

/**
 * The delta-encoded stream's state: applies operations to one state object and collects every message
 * that an `add` (or a whole-message frame) introduced. Exported for tests.
 */
export function createDeltaState() {
  let doc: unknown = undefined;
  let lastPath: string | undefined;
  let lastOp: string | undefined;
  const messages = new Map<string, Msg>();
  let done = false;

  const adopt = (root: unknown) => {
    doc = root;
    if (!isObj(root) || !isObj(root.message)) return;
    const id = str(root.message.id);
    if (!id) return;
    messages.set(id, { conv: str(root.conversation_id), message: root.message });
  };

  const apply = (op: Obj, implicit: boolean): void => {
    const o = str(op.o) ?? (implicit ? lastOp : undefined);
    const p = typeof op.p === 'string' ? op.p : implicit ? lastPath : undefined;
    const v = op.v;
    if (o === 'patch') {
      if (Array.isArray(v)) for (const sub of v) if (isObj(sub)) apply(sub, false);
      lastOp = o;
      lastPath = p;
      return;
    }
    if (o === undefined || p === undefined) return;
    if (implicit) {
      lastOp = o;
      lastPath = p;
    }
    if (p === '' || p === '/') {
      if (o === 'add' || o === 'replace') adopt(v);
      return;
    }
    const at = locate(doc, p);
    if (!at) return;
    const cur = get(at);
    switch (o) {
      case 'append':
        if (typeof cur === 'string' && typeof v === 'string') set(at, cur + v);
        else if (Array.isArray(cur)) set(at, cur.concat(v));
        else if (isObj(cur) && isObj(v)) {
          for (const k of Object.keys(v)) if (!UNSAFE.has(k)) cur[k] = v[k];
        } else if (cur === undefined && typeof v === 'string') set(at, v);
        break;
      case 'add':
      case 'replace':
        if (Array.isArray(at.parent) && o === 'add') at.parent.splice(at.key as number, 0, v);
        else set(at, v);
        break;
      case 'truncate':
        if ((typeof cur === 'string' || Array.isArray(cur)) && typeof v === 'number') set(at, cur.slice(0, v));
        break;
      case 'remove':
        if (Array.isArray(at.parent)) at.parent.splice(at.key as number, 1);
        else Reflect.deleteProperty(at.parent, at.key);
        break;
    }
  };

  return {
    /** One SSE event. */
    event(type: string, data: string): void {
      if (data === '[DONE]') {
        done = true;
        return;
      }
      if (type === 'delta_encoding') return;
      let j: unknown;
      try {
        j = JSON.parse(data);
      } catch {
        return;
      }
      if (!isObj(j)) return;
      // The older encoding: each frame is the whole message so far.
      if (isObj(j.message) && !('o' in j) && !('p' in j)) return adopt(j);
      if ('v' in j || 'o' in j) apply(j, true);
    },
    get done() {
      return done;
    },
    messages,
  };
}

/** A parser for one send's reply stream. */
function createChatgptParser(meta: TrafficMeta, context: ConversationContext): BodyParser {
  const state = createDeltaState();
  const sse = createSseDecoder((e) => state.event(e.type, e.data));
  const req = readChatgptRequest(meta.requestBody);
  let broken = false;
  let finished = false;

  const finish = (aborted: boolean): ParsedTurn[] => {
    if (finished) return [];
    finished = true;
    try {
      sse.end();
    } catch {
      broken = true;
    }
    const turns: ParsedTurn[] = [];
    try {
      const promptTokens = req.prompt ? estimateTokens(req.prompt) + PER_MESSAGE : 0;
      const before = req.parentId ? context.tokensSoFar(req.parentId) : 0;
      let input = before + promptTokens;
      if (req.userMessageId && context.tokensSoFar(req.userMessageId) === 0 && input > 0)
        context.add(req.userMessageId, input);
      for (const [id, { conv, message }] of state.messages) {
        const author = isObj(message.author) ? message.author : {};
        const md = isObj(message.metadata) ? message.metadata : {};
        if (author.role !== 'assistant' || md.is_visually_hidden_from_conversation === true) continue;
        const text = messageText(message);
        const output = estimateTokens(text);
        const first = turns.length === 0;
        const finishedOk = message.status === 'finished_successfully';
        turns.push({
          format: 'chatgpt-web',
          id: conv ? `${conv}:${id}` : id,
          model: str(md.resolved_model_slug) ?? str(md.model_slug) ?? str(md.default_model_slug) ?? req.model,
          text: text.slice(0, TEXT_CAP),
          estimatedOutputTokens: output,
          estimatedInputTokens: input,
          contextTokens: first ? before : input - promptTokens,
          ...(first && req.prompt ? { prompt: req.prompt } : {}),
          ...(conv ? { conversationId: conv } : {}),
          aborted: !finishedOk && (aborted || broken || !state.done),
        });
        if (context.tokensSoFar(id) === 0 && input + output > 0) context.add(id, input + output);
        // A later message of the same send (after a tool call) re-reads everything before it.
        input += output;
      }
    } catch {
      // a shape we do not know: what was found so far
    }
    return turns;
  };

  return {
    push(chunk: string) {
      if (broken || finished) return;
      try {
        sse.push(chunk);
      } catch {
        broken = true;
      }
    },
    finish,
    get recognised() {
      return state.messages.size > 0;
    },
  };
}

export const chatgpt: SiteAdapter = {
  id: 'chatgpt',
  name: 'ChatGPT',
  matches: ['https://chatgpt.com/*', 'https://chat.openai.com/*'],
  // The send (current, older and logged-out paths); not `/prepare`, not `/conversation/<id>` (history loads).
  traffic: [/^\/backend-(?:api|anon)\/(?:f\/)?conversation\/?(?:\?|$)/],
  createParser: createChatgptParser,
  provenance: 'tokenized',
  selectors: {},
};
