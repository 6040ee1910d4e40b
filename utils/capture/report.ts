/**
 * Turns what a parser found in one response into the small facts the relay accepts. Runs in the page.
 */
import type { PageMessage, UsageFact } from '../messages';
import type { SeenEvent } from '../diagnose-messages';
import type { BodyParser, ParsedTurn } from '../parsers/types';
import { estimateRequestInputTokens, estimateTokens, lastUserMessageText } from '../parsers/estimate';
import { TEXT_CAP } from '../parsers/common';
import type { GestureTracker } from './gestures';
import type { SiteAdapter } from '../adapters/types';

export type Post = (message: PageMessage) => void;

let gestures: GestureTracker = { current: () => 0, claim: () => true };

/** Installed once per page by installCapture; until then every call counts as the user's own. */
export function setGestureTracker(tracker: GestureTracker): void {
  gestures = tracker;
}

/**
 * Whether to send each turn's prompt and reply text: only while the relay says the person turned text
 * storage on for this site (utils/relay-core.ts). Off until told, so nothing is sent before settings load.
 */
let sendText = false;

/** Applies a message from the relay (over the private port): text is on only after `{ type: 'config', text: true }`. */
export function applyHookConfig(data: unknown): void {
  const c = data as { type?: unknown; text?: unknown } | null;
  sendText = typeof c === 'object' && c !== null && c.type === 'config' && c.text === true;
}

/** The latest user gesture, read when a call starts. */
export const currentGesture = () => gestures.current();

/**
 * "Test this site" sees every response and what became of it. Only the diagnostic hook sets a tracer
 * (capture/trace.ts builds its events); in the product's hook this stays undefined and tracing costs one
 * check, with none of the diagnostic's code in its bundle.
 */
export type Tracer = (meta: CallMeta, contentType: string, outcome: SeenOutcome, extra?: Partial<SeenEvent>) => void;
type SeenOutcome = SeenEvent['outcome'];
let tracer: Tracer | undefined;

export function setTracer(t: Tracer): void {
  tracer = t;
}

/** Reports to the diagnostic tracer, when there is one; a no-op in the product's own hook. */
export function trace(meta: CallMeta, contentType: string, outcome: SeenOutcome, extra?: Partial<SeenEvent>) {
  tracer?.(meta, contentType, outcome, extra);
}

/** What the hook knows about one request. */
export interface CallMeta {
  transport: UsageFact['transport'];
  url: string;
  method: string;
  /** Epoch ms when the page made the call. */
  startedAt: number;
  /** performance.now() at the call, for durations that ignore clock changes. */
  t0: number;
  /** The request body when it was a string (only used to estimate input when no usage arrives). */
  requestBody?: string;
  /** The latest user gesture when the call started (see gestures.ts). */
  gesture: number;
  /** The public app's adapter that reads this call (utils/capture/adapters.ts); absent for the generic path. */
  adapter?: SiteAdapter;
  /** The HTTP status, when known: an error page from a matched URL is not drift. */
  status?: number;
}

const MAX_REQUEST_BODY = 2_000_000;

export function requestBodyOf(body: unknown): string | undefined {
  return typeof body === 'string' && body.length <= MAX_REQUEST_BODY ? body : undefined;
}

/** The origin of a request URL as the page resolves it; undefined for data:, blob: and the like. */
export function apiOriginOf(url: string): string | undefined {
  try {
    const u = new URL(url, location.href);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.origin : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Rounds a count; no upper clamp. A count beyond what any real call produces (the relay's limit) is forged
 * or broken: clamping it here would turn it into a plausible-looking maximum that passes validation, so it
 * is passed through for the relay to reject (and count as rejected).
 */
const roundCount = (n: number) => (Number.isFinite(n) && n > 0 ? Math.round(n) : 0);
const trimmed = (s: string | undefined, max: number) => (s ? s.slice(0, max) : undefined);

export function toFact(turn: ParsedTurn, meta: CallMeta, apiOrigin: string, firstByteAt?: number): UsageFact {
  const end = performance.now();
  const exact = turn.usage !== undefined;
  const id = trimmed(turn.id, 200);
  const key = id
    ? `${turn.format}:${id}`
    : // No id in the traffic: unique per call, still stable across this fact's own retries (it is
      // generated once and kept in the outbox).
      `${turn.format}:~${meta.startedAt.toString(36)}${Math.random().toString(36).slice(2, 10)}`;
  const inputTokens = exact
    ? turn.usage!.inputTokens
    : turn.estimatedInputTokens !== undefined
      ? turn.estimatedInputTokens
      : meta.requestBody
        ? (estimateRequestInputTokens(meta.requestBody) ?? 0)
        : 0;
  const outputTokens = exact ? turn.usage!.outputTokens : (turn.estimatedOutputTokens ?? estimateTokens(turn.text));
  return {
    key,
    format: turn.format,
    transport: meta.transport,
    model: trimmed(turn.model, 120),
    inputTokens: roundCount(inputTokens),
    outputTokens: roundCount(outputTokens),
    source: exact ? 'exact' : 'estimated',
    status: turn.aborted ? 'aborted' : 'complete',
    startedAt: meta.startedAt,
    durationMs: Math.max(0, Math.round(end - meta.t0)),
    firstByteMs: firstByteAt === undefined ? undefined : Math.max(0, Math.round(firstByteAt - meta.t0)),
    apiOrigin,
    ...(turn.runId ? { runId: trimmed(turn.runId, 200) } : {}),
    ...(turn.runStatus ? { runStatus: turn.runStatus } : {}),
    ...(turn.runName ? { runName: trimmed(turn.runName, 200) } : {}),
    ...(turn.toolCalls ? { toolCalls: boundedToolCalls(turn.toolCalls) } : {}),
    ...(turn.snapshot ? { snapshot: true } : {}),
    // the adapter keeps the relay's bounds (claude.ts: ≤ 8 windows, kind ≤ 40, a share, a plausible date)
    ...(turn.quota?.length ? { quota: turn.quota } : {}),
  };
}

/** Keeps the relay's limits (64 names of ≤ 80 characters) so a busy agent's record is never rejected whole. */
function boundedToolCalls(calls: Record<string, number>): Record<string, number> | undefined {
  const out: Record<string, number> = {};
  let n = 0;
  for (const [name, count] of Object.entries(calls)) {
    if (n >= 64 || !name || name === '__proto__' || !(count >= 1)) continue;
    out[name.slice(0, 80)] = Math.min(Math.round(count), 100_000);
    n++;
  }
  return n > 0 ? out : undefined;
}

/**
 * Finishes a parser and posts what it found: one `usage` message per turn, or one `unrecognised`
 * note when a body that looked like a model call matched no known format (health, never a silent zero).
 */
export function finishAndReport(
  parser: BodyParser,
  aborted: boolean,
  meta: CallMeta,
  contentType: string,
  post: Post,
  firstByteAt?: number,
): void {
  if (!apiOriginOf(meta.url)) return;
  reportTurns(parser.finish(aborted), parser.recognised, meta, contentType, post, firstByteAt);
}

/** Posts the turns of one call (or of one WebSocket reply), and the health note when there were none. */
export function reportTurns(
  turns: readonly ParsedTurn[],
  recognised: boolean,
  meta: CallMeta,
  contentType: string,
  post: Post,
  firstByteAt?: number,
): void {
  const apiOrigin = apiOriginOf(meta.url);
  if (!apiOrigin) return;
  const facts: UsageFact[] = [];
  let prompt: string | undefined | null = null; // read from the request once, and only when text is on
  for (const turn of turns) {
    const fact = toFact(turn, meta, apiOrigin, firstByteAt);
    // Run records seen by polling are not calls of their own; everything else is the user's turn or not.
    // A public app's send is the user's turn by its URL (its adapter reads nothing else).
    if (!meta.adapter && !turn.snapshot && !gestures.claim(meta.gesture)) fact.background = true;
    facts.push(fact);
    post({ type: 'usage', fact });
    // The page shows the estimate first; the background re-counts the text with the real tokenizer.
    if (meta.adapter?.provenance === 'tokenized' && turn.text.length < TEXT_CAP) {
      const p = turn.prompt?.slice(0, TEXT_CAP);
      post({
        type: 'count',
        key: fact.key,
        ...(p ? { prompt: p } : {}),
        ...(turn.text ? { reply: turn.text } : {}),
        contextTokens: roundCount(turn.contextTokens ?? 0),
      });
    }
    if (sendText && !turn.snapshot) {
      if (prompt === null) prompt = turn.prompt ?? lastUserMessageText(meta.requestBody, TEXT_CAP);
      const reply = turn.text.slice(0, TEXT_CAP);
      // A separate message under the fact's key: the relay forwards it only where text storage is on.
      if (prompt || reply)
        post({ type: 'text', key: fact.key, ...(prompt ? { prompt } : {}), ...(reply ? { reply } : {}) });
    }
  }
  if (facts.length > 0) trace(meta, contentType, 'matched', { facts });
  else trace(meta, contentType, 'unrecognised', { reason: recognised ? 'no complete reply' : 'no known format' });
  const drift = meta.adapter
    ? // A public app's own send URL answered with a body its adapter could not read: the site changed.
      !recognised && (meta.status === undefined || (meta.status >= 200 && meta.status < 300))
    : !recognised && looksLikeModelCall(meta, contentType);
  if (turns.length === 0 && drift) {
    post({ type: 'unrecognised', apiOrigin, contentType: contentType.split(';')[0]!.trim().slice(0, 120) });
  }
}

/** Streams, and JSON answers to POSTs, are where model calls live; GET JSON is mostly app data. */
function looksLikeModelCall(meta: CallMeta, contentType: string): boolean {
  return /event-stream|ndjson|jsonl/i.test(contentType) || meta.method.toUpperCase() === 'POST';
}
