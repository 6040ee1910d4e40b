/**
 * Shared plumbing for the wire-format modules: tolerant accessors and the per-body turn accumulator.
 * Everything here runs in the page and must never throw on hostile input.
 */
import { createEstimator, type Estimator } from '@/utils/parsers/estimate';
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

/** JSON.parse that returns undefined instead of throwing; only tries text that starts like an object or array. */
export function parseJson(s: string): unknown {
  const c = s.trimStart().charCodeAt(0);
  if (c !== 123 && c !== 91) return undefined;
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
  /** Input counts seen before the final usage (Anthropic: input, cache creation, cache read; last wins each). */
  input?: number[];
  /** The format's own end marker was seen. */
  done: boolean;
  /** An error event / failed status was seen. */
  error: boolean;
  parts: string[];
  len: number;
  est: Estimator;
}

export function newTurn(format: WireFormatId): TurnState {
  return { format, done: false, error: false, parts: [], len: 0, est: createEstimator() };
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

/** Appends reply text: kept up to TEXT_CAP, always counted by the running estimate. */
export function addText(t: TurnState, s: unknown): void {
  if (typeof s !== 'string' || !s) return;
  t.est.push(s);
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
  const turn: ParsedTurn = {
    format: t.format,
    text: t.parts.join(''),
    aborted: aborted || !t.done,
    estimatedOutputTokens: t.est.total(),
  };
  if (t.id) turn.id = t.id;
  if (t.model) turn.model = t.model;
  if (t.usage) turn.usage = { ...t.usage };
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
