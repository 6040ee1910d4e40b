/**
 * Claude (claude.ai). What is publicly known (../shared/docs/ai-sites.md): a reply is
 * `POST /api/organizations/{org}/chat_conversations/{conv}/completion` (a regeneration: `/retry_completion`) with a
 * JSON body `{ prompt, model, parent_message_uuid, attachments, files, … }`, answered by Anthropic-Messages-style SSE:
 * `message_start` {message {id, uuid?, model}}, `content_block_start/delta/stop` (`text_delta`, `thinking_delta`,
 * `input_json_delta`: all generated, all counted as output), `message_delta` (stop reason), `message_stop` (the end
 * marker), `error`, plus the claude.ai-only `{type: "message_limit", message_limit: {…}}` frame with the quota
 * windows (utilization 0–1, `resets_at` in Unix seconds). No usage: counts are estimates.
 *
 * Key: the message id, so the same reply seen twice (replay, second tab) is stored once and a retry_completion (a new
 * message id) counts once more. Input: the conversation so far (ConversationContext) plus the prompt and the text of
 * its attachments; after a reload the context is seeded from the conversation's history GET (visible branch only). Tests: tests/unit/adapters/claude.test.ts over tests/fixtures/claude/.
 */
import { createSseDecoder } from '@/utils/parsers/sse';
import { estimateTokens } from '@/utils/parsers/estimate';
import { arr, isObj, num, parseJson, str, type Obj } from '@/utils/parsers/common';
import type { BodyParser } from '@/utils/parsers/types';
import type { ConversationContext, SiteAdapter, TrafficMeta } from './types';
import { addToContext, inputFields, pathAndQuery, ReplyText, type QuotaWindow, type SiteTurn } from './shared';

/** The reply requests: a new message and a regeneration (not `/usage`, not the page's other APIs). */
const COMPLETION = /^\/api\/organizations\/([^/?#]+)\/chat_conversations\/([^/?#]+)\/(retry_)?completion(?:[?#]|$)/;
/**
 * The conversation's history (`GET …/chat_conversations/{conv}?tree=True&rendering_mode=messages`), loaded when a
 * conversation is opened: read only to seed the ConversationContext after a reload, so the next turn's input counts
 * the conversation the site re-sends. It yields no turn.
 */
const HISTORY = /^\/api\/organizations\/([^/?#]+)\/chat_conversations\/([^/?#]+)(?:\?[^#]*)?$/;

/** Largest history body read (characters); a longer one is not read (the context then starts from 0). */
const MAX_HISTORY = 8 << 20;

/** What the request says: the conversation, whether it is a retry, the prompt's estimate and the requested model. */
interface Request {
  conversationId?: string;
  retry: boolean;
  promptTokens: number;
  promptText?: string;
  model?: string;
}

function readRequest(meta: TrafficMeta): Request {
  const m = COMPLETION.exec(pathAndQuery(meta.url));
  const req: Request = { conversationId: m?.[2], retry: !!m?.[3], promptTokens: 0 };
  const body = typeof meta.requestBody === 'string' && meta.requestBody.length < 32 << 20 ? meta.requestBody : '';
  const j = parseJson(body);
  if (!isObj(j)) return req;
  req.promptText = str(j.prompt);
  let n = estimateTokens(req.promptText ?? '');
  // pasted text and text files arrive as attachments with their extracted text; they are part of the prompt
  for (const a of arr(j.attachments)) if (isObj(a)) n += estimateTokens(str(a.extracted_content) ?? '');
  req.promptTokens = n;
  req.model = str(j.model);
  return req;
}

/** Seconds, milliseconds or an ISO date → epoch ms; undefined for anything else. */
function epochMs(v: unknown): number | undefined {
  const n = num(v);
  if (n !== undefined) return n < 1e11 ? Math.round(n * 1000) : Math.round(n);
  if (typeof v === 'string' && v) {
    const t = Date.parse(v);
    return Number.isFinite(t) ? t : undefined;
  }
  return undefined;
}

function quotaWindow(kind: unknown, w: unknown): QuotaWindow | undefined {
  const k = str(kind);
  if (!k || !isObj(w)) return undefined;
  const u = num(w.utilization);
  if (u === undefined || u > 1.5) return undefined; // a share, not a percentage or a count
  const q: QuotaWindow = { kind: k.slice(0, 40), utilization: Math.min(1, u) };
  // a date the relay accepts (utils/messages.ts QuotaWindow), else none: a bad date must not cost the turn
  const at = epochMs(w.resets_at ?? w.resetsAt) ?? 0;
  if (at >= 15e11 && at <= 4e12) q.resetsAt = at;
  return q;
}

/**
 * The quota windows of a `message_limit` frame, in the spellings seen: `windows: {"5h": {utilization, resets_at}, …}`
 * (current), a `limits: [{kind | type | window, utilization, resets_at}]` list (newer usage endpoint style), or one
 * flat window (`{type, utilization, resets_at}`).
 */
function readQuota(limit: unknown): QuotaWindow[] {
  if (!isObj(limit)) return [];
  const out: QuotaWindow[] = [];
  const push = (q: QuotaWindow | undefined): void => {
    if (q && out.length < 8) out.push(q);
  };
  if (isObj(limit.windows)) for (const [k, w] of Object.entries(limit.windows)) push(quotaWindow(k, w));
  for (const w of arr(limit.limits)) if (isObj(w)) push(quotaWindow(w.kind ?? w.type ?? w.window, w));
  if (!out.length) push(quotaWindow(limit.representativeClaim ?? limit.type ?? 'message_limit', limit));
  return out;
}

/** The text of one history message: `text`, or its content blocks' text / thinking (tool results are not text). */
function messageText(m: Obj): string {
  const blocks = arr(m.content)
    .map((b) => (isObj(b) ? (str(b.text) ?? str(b.thinking) ?? '') : ''))
    .filter(Boolean);
  let t = blocks.length ? blocks.join('\n') : (str(m.text) ?? '');
  for (const a of arr(m.attachments)) if (isObj(a)) t += '\n' + (str(a.extracted_content) ?? '');
  return t;
}

/**
 * Estimated tokens of the visible branch of a history body: from `current_leaf_message_uuid` up the
 * `parent_message_uuid` chain (other branches are not re-sent), or every message when there is no leaf.
 * Undefined when the body is not a conversation with `chat_messages`.
 */
export function historyTokens(body: string): number | undefined {
  const j = parseJson(body);
  if (!isObj(j) || !Array.isArray(j.chat_messages)) return undefined;
  const byId = new Map<string, Obj>();
  for (const m of j.chat_messages) if (isObj(m) && str(m.uuid)) byId.set(m.uuid as string, m);
  let branch: Obj[] = j.chat_messages.filter(isObj);
  const leaf = str(j.current_leaf_message_uuid);
  if (leaf && byId.has(leaf)) {
    branch = [];
    const seen = new Set<string>();
    for (let id: string | undefined = leaf; id && byId.has(id) && !seen.has(id);) {
      seen.add(id);
      const m: Obj = byId.get(id)!;
      branch.push(m);
      id = str(m.parent_message_uuid);
    }
  }
  return branch.reduce((n, m) => n + estimateTokens(messageText(m)), 0);
}

/** Reads a history body and seeds the context for a conversation this page has not counted yet. */
function createHistoryParser(conversationId: string, context: ConversationContext): BodyParser {
  const parts: string[] = [];
  let len = 0;
  let recognised = false;
  let finished = false;
  return {
    push(chunk: string): void {
      if (finished || len > MAX_HISTORY) return;
      len += chunk.length;
      if (len <= MAX_HISTORY) parts.push(chunk);
      else parts.length = 0;
    },
    finish(): SiteTurn[] {
      if (finished) return [];
      finished = true;
      try {
        if (len > MAX_HISTORY) {
          recognised = true; // too long to read here, but the shape is not in question
          return [];
        }
        const n = historyTokens(parts.join(''));
        parts.length = 0;
        if (n === undefined) return [];
        recognised = true;
        // already counted on this page (navigated back): the context is up to date, adding would double it
        if (context.tokensSoFar(conversationId) === 0) addToContext(context, conversationId, n);
      } catch {
        // never throw into the page
      }
      return [];
    },
    get recognised() {
      return recognised;
    },
    get satisfied() {
      return len > MAX_HISTORY;
    },
  };
}

/**
 * A matched request that carries no reply (the conversation URL with another method): read nothing, and report it as
 * recognised so that it does not count as drift. TODO(issue 6): drop once `traffic` can name methods or createParser
 * may return null ("not mine").
 */
const NOT_A_REPLY: BodyParser = { push: () => {}, finish: () => [], recognised: true, satisfied: true };

/** One reply body. The turn's facts are only built at `finish` (nothing is estimated while the stream runs). */
function createClaudeParser(meta: TrafficMeta, context: ConversationContext): BodyParser {
  let request: Request | undefined;
  let recognised = false;
  let id: string | undefined;
  let model: string | undefined;
  let started = false;
  let done = false;
  let failed = false;
  let finished = false;
  let quota: QuotaWindow[] = [];
  const reply = new ReplyText();

  const onFrame = (j: Obj, type: string): void => {
    switch (str(j.type) ?? type) {
      case 'message_start': {
        const m = j.message;
        if (!isObj(m)) return;
        started = true;
        id ??= str(m.id) ?? str(m.uuid);
        model = str(m.model) ?? model;
        return;
      }
      case 'content_block_start':
        if (!isObj(j.content_block)) return;
        reply.append(j.content_block.text ?? j.content_block.thinking);
        return;
      case 'content_block_delta': {
        const d = j.delta;
        if (!isObj(d)) return;
        // text_delta, thinking_delta (generated, so output too), input_json_delta (a tool call's arguments);
        // reading one of them is what "recognised" means: a stream whose deltas changed shape must show as drift
        const text = d.text ?? d.thinking ?? d.partial_json;
        if (typeof text === 'string') recognised = true;
        reply.append(text);
        return;
      }
      case 'message_stop':
        done = true;
        return;
      case 'message_limit': {
        const q = readQuota(j.message_limit);
        if (q.length) quota = q;
        return;
      }
      case 'error':
        if (isObj(j.error)) failed = true;
    }
  };

  const sse = createSseDecoder((e) => {
    const j = parseJson(e.data);
    if (isObj(j)) onFrame(j, e.type);
  });

  return {
    push(chunk: string): void {
      try {
        if (!finished) sse.push(chunk);
      } catch {
        // never throw into the page
      }
    },
    finish(aborted: boolean): SiteTurn[] {
      if (finished) return [];
      finished = true;
      try {
        sse.end();
        request ??= readRequest(meta);
        // nothing generated: an error before the reply started, or a body that was not a reply
        if (!started || !id || !recognised) return [];
        const output = reply.estimate();
        const turn: SiteTurn = {
          format: 'claude-web',
          id,
          text: reply.text,
          estimatedOutputTokens: output,
          aborted: aborted || failed || !done,
          ...inputFields(context, request.conversationId, request.promptTokens, request.promptText),
        };
        const m = model ?? request.model;
        if (m) turn.model = m;
        if (request.conversationId) turn.conversationId = request.conversationId;
        if (quota.length) turn.quota = quota;
        // A retry replaces the reply it regenerates: the visible conversation keeps about the same size.
        if (!request.retry) addToContext(context, request.conversationId, request.promptTokens + output);
        return [turn];
      } catch {
        return [];
      }
    },
    get recognised() {
      return recognised;
    },
  };
}

export const claude: SiteAdapter = {
  id: 'claude',
  name: 'Claude',
  matches: ['https://claude.ai/*'],
  traffic: [COMPLETION, HISTORY],
  createParser(meta, context) {
    const pq = pathAndQuery(meta.url);
    if (COMPLETION.test(pq)) return createClaudeParser(meta, context);
    const h = HISTORY.exec(pq);
    if (h && meta.method.toUpperCase() === 'GET') return createHistoryParser(h[2]!, context);
    // PUT / DELETE on the conversation (rename, delete): no reply, and no sign of drift either
    return NOT_A_REPLY;
  },
  provenance: 'estimated',
  selectors: {},
};
