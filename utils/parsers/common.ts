/**
 * Shared plumbing for the wire-format modules: tolerant accessors and the per-body turn accumulator.
 * Everything here runs in the page and must never throw on hostile input.
 */
import { estimateTokens } from '@/utils/parsers/estimate';
import type { ParsedTurn, WireFormatId } from '@/utils/parsers/types';

export type Obj = Record<string, unknown>;

/** Most reply text kept per turn (characters); the running token estimate still covers everything. */
export const TEXT_CAP = 65536;

export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A non-empty string, else undefined. */
export const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);

/** A finite, non-negative number, else undefined. */
export const num = (v: unknown): number | undefined =>
  typeof v === 'number' && v >= 0 && v < Infinity ? v : undefined;

export const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** JSON.parse that returns undefined instead of throwing; only tries text that starts like an object, array or string. */
export function parseJson(s: string): unknown {
  const c = s.trimStart().charCodeAt(0);
  if (c !== 123 && c !== 91 && c !== 34) return undefined;
  try {
    return JSON.parse(s) as unknown;
  } catch {
    return undefined;
  }
}

/** What one body has shown so far about its (current) reply. */
export interface TurnState {
  format: WireFormatId;
  id?: string;
  model?: string;
  usage?: { inputTokens: number; outputTokens: number };
  /** Input counts seen before the final usage (Anthropic: input, cache creation, cache read; last wins each), or
   * running sums (AI SDK steps). */
  input?: number[];
  /** Tool calls by name, and the call keys already counted (a name is streamed once per call). */
  tools?: Record<string, number>;
  seen?: Set<string>;
  /** The format's own end marker was seen. */
  done: boolean;
  /** An error event / failed status was seen. */
  error: boolean;
  parts: string[];
  /** Characters kept in `parts` (≤ TEXT_CAP), and all reply characters seen. */
  len: number;
  total: number;
  /** The latest piece of text added, and how many pieces so far (for the envelope fast path in index.ts). */
  lastText?: string;
  pieces?: number;
}

export function newTurn(format: WireFormatId): TurnState {
  return { format, done: false, error: false, parts: [], len: 0, total: 0 };
}

/** Records id (first one wins) and model (last non-empty wins). */
export function meta(t: TurnState, id: unknown, model: unknown): void {
  t.id ??= str(id);
  const m = str(model);
  if (m) t.model = m;
}

/** Usage is a snapshot: the last complete one wins, never summed. */
export function setUsage(t: TurnState, input: unknown, output: unknown): void {
  const i = num(input);
  const o = num(output);
  if (i !== undefined && o !== undefined) t.usage = { inputTokens: i, outputTokens: o };
}

/**
 * Token pairs in the spellings APIs use: [input field, output field, input extras...]. Extras are cache counts that the
 * API reports apart from the input (Anthropic, Bedrock); OpenAI-style prompt_tokens already include cached tokens.
 */
const SPELLINGS = [
  ['prompt_tokens', 'completion_tokens'],
  ['input_tokens', 'output_tokens', 'cache_creation_input_tokens', 'cache_read_input_tokens'],
  ['inputTokens', 'outputTokens', 'cacheReadInputTokens', 'cacheWriteInputTokens'],
  ['promptTokens', 'completionTokens'],
  ['promptTokenCount', 'candidatesTokenCount'],
  ['prompt_eval_count', 'eval_count'],
];

/** [input, output] of a usage object in any known spelling, else undefined (`{cpu: 0.4}`, `"42%"`, totals only). */
export function tokens(u: unknown): [number, number] | undefined {
  if (!isObj(u)) return undefined;
  for (const [i, o, a, b] of SPELLINGS) {
    const n = num(u[i!]);
    const m = num(u[o!]);
    if (n !== undefined && m !== undefined) return [n + (num(u[a!]) ?? 0) + (num(u[b!]) ?? 0), m];
  }
  return undefined;
}

/** Usage from a usage object in any spelling (last complete one wins). */
export function setTokens(t: TurnState, u: unknown): void {
  const p = tokens(u);
  if (p) t.usage = { inputTokens: p[0], outputTokens: p[1] };
}

const BAD_NAME = /^(__proto__|constructor|prototype)$/;
const CALL_TYPE = /tool_use$|^(function|custom_tool|mcp)_call$/;

/**
 * The tool name of a tool-call block in any known shape, never its arguments: OpenAI / Ollama / Assistants
 * `{function: {name, arguments}}` (a definition has `parameters` instead), Anthropic `{type: 'tool_use', name}`,
 * Responses `{type: 'function_call', name}`, Bedrock `{toolUse: {name}}`, Gemini `{functionCall: {name}}`,
 * `{type: 'tool_call', tool: {name}}`, and `{tool_name}` / `{toolName}` steps (not their results).
 */
export function toolName(o: unknown): string | undefined {
  if (!isObj(o)) return undefined;
  const f = o.function;
  const ty = o.type;
  return str(
    isObj(f) && 'arguments' in f
      ? f.name
      : typeof ty === 'string' && CALL_TYPE.test(ty)
        ? o.name
        : isObj(o.toolUse)
          ? o.toolUse.name
          : isObj(o.functionCall)
            ? o.functionCall.name
            : ty === 'tool_call' && isObj(o.tool)
              ? o.tool.name
              : /result|output/.test(String(ty))
                ? undefined
                : (o.tool_name ?? o.toolName),
  );
}

/** Counts one call of `name` (at most 64 names of 80 characters; never `__proto__` & co., own keys only). */
export function countTool(m: Record<string, number> | undefined, name: unknown): Record<string, number> | undefined {
  const n = str(name)?.slice(0, 80);
  if (!n || BAD_NAME.test(n)) return m;
  m ??= {};
  if (Object.hasOwn(m, n)) m[n]!++;
  else if (Object.keys(m).length < 64) m[n] = 1;
  return m;
}

/** Counts a tool call; with a `key` (the call's id) only the first naming of that call counts. */
export function addTool(t: TurnState, name: unknown, key?: unknown): void {
  if (!str(name)) return;
  if (key !== undefined && key !== null) {
    const s = (t.seen ??= new Set());
    const k = String(key);
    if (s.has(k)) return;
    s.add(k);
  }
  t.tools = countTool(t.tools, name);
}

/**
 * Appends reply text: kept up to TEXT_CAP, and its length always counted. Nothing is estimated while the
 * stream runs: most replies end with the service's own usage, and the page should not pay for an estimate
 * nobody needs (see endTurn).
 */
export function addText(t: TurnState, s: unknown): void {
  if (typeof s !== 'string' || !s) return;
  t.total += s.length;
  t.lastText = s;
  t.pieces = (t.pieces ?? 0) + 1;
  const room = TEXT_CAP - t.len;
  if (room <= 0) return;
  let part = s;
  if (s.length > room) {
    let cut = room;
    const c = s.charCodeAt(cut - 1);
    if (c >= 0xd800 && c < 0xdc00) cut--; // don't split a surrogate pair
    part = s.slice(0, cut);
    t.len = TEXT_CAP;
  } else t.len += s.length;
  t.parts.push(part);
}

/**
 * The body's turns: none if nothing identifying was seen, or if it failed without reporting usage; otherwise exactly
 * one, `aborted` when the end marker is missing or the caller says the body was cut.
 */
export function endTurn(t: TurnState, aborted: boolean): ParsedTurn[] {
  if ((t.error && !t.usage) || (!t.id && !t.usage && !t.len)) return [];
  const text = t.parts.join('');
  const turn: ParsedTurn = { format: t.format, text, aborted: aborted || !t.done };
  if (!t.usage) {
    // Estimated once, at the end, and only when the service reported nothing. Past the kept text, the
    // rest of a very long reply is extrapolated at the same tokens-per-character rate.
    const kept = estimateTokens(text);
    turn.estimatedOutputTokens = t.len > 0 && t.total > t.len ? Math.round((kept * t.total) / t.len) : kept;
  }
  if (t.id) turn.id = t.id;
  if (t.model) turn.model = t.model;
  if (t.usage) turn.usage = { ...t.usage };
  if (t.tools) turn.toolCalls = t.tools;
  return [turn];
}

/**
 * One wire format. Adding a format = writing one of these and listing it in `FORMATS` (index.ts).
 * `sniff` sees the first JSON events of a stream (SSE data or NDJSON line) until one format claims them; `event`
 * then receives every event of that stream (`j` is the parsed data, or undefined when it is not JSON, e.g. `[DONE]`).
 * `replyId` lets one long-lived stream carry several replies. `body` looks at a whole JSON body: its turns when it is this format's reply object, null when it is not ours.
 */
export interface WireFormat {
  id: WireFormatId;
  sniff(j: Obj, type: string): boolean;
  /** The reply id an event carries, if any: a new id after the end marker starts a second turn (WebSocket sessions). */
  replyId(j: Obj): unknown;
  event(t: TurnState, j: unknown, type: string, data: string): void;
  body(j: Obj): ParsedTurn[] | null;
}
