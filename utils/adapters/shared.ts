/** Small pieces the adapters share. */
import type { BodyParser } from '@/utils/parsers/types';

/** A parser that recognises nothing (a placeholder, or a body an adapter cannot read). */
export function emptyParser(): BodyParser {
  return { push: () => {}, finish: () => [], recognised: false };
}

/* ---------------------------------------------------------------------------------------------------------------
 * Site-adapter helpers (claude, gemini, copilot, perplexity — issue 6). Additive block: reply text that may be
 * appended to or replaced, the estimates, and the fields the web adapters add to a ParsedTurn.
 * ------------------------------------------------------------------------------------------------------------- */
import { TEXT_CAP } from '@/utils/parsers/common';
import { estimateTokens } from '@/utils/parsers/estimate';
import type { ParsedTurn } from '@/utils/parsers/types';
import type { ConversationContext } from './types';

/** One quota window as the site itself reports it ("the site's own figure", shown as such in the popup). */
export interface QuotaWindow {
  /** The site's name for the window ("five_hour", "seven_day", "7d_opus"…). */
  kind: string;
  /** Share used, 0–1. */
  utilization: number;
  /** When the window resets, epoch ms. */
  resetsAt?: number;
}

/**
 * A ParsedTurn with the optional fields the web adapters fill. They mirror the additive fields on ParsedTurn
 * (utils/parsers/types.ts, issue 6); declared here too so the adapters do not depend on the order those land in.
 */
export interface SiteTurn extends ParsedTurn {
  /** Estimated input: the visible conversation so far (ConversationContext) plus this turn's prompt. */
  estimatedInputTokens?: number;
  /** Of `estimatedInputTokens`, the conversation so far. */
  contextTokens?: number;
  /** The new prompt's text (capped), for the opt-in text storage and any later re-count. */
  prompt?: string;
  /** The site's conversation / thread id, when the traffic names one. */
  conversationId?: string;
  /** Quota windows the reply carried (Claude's `message_limit`). */
  quota?: QuotaWindow[];
}

/**
 * Reply text that grows by appends (Claude deltas, Copilot appendText) or is replaced whole (Gemini's cumulative
 * frames, Copilot replaceText, Perplexity answers). Keeps at most TEXT_CAP characters and counts them all.
 */
export class ReplyText {
  private kept = '';
  /** All characters of the reply, including what fell past the cap. */
  total = 0;

  append(s: unknown): void {
    if (typeof s !== 'string' || !s) return;
    this.total += s.length;
    if (this.kept.length < TEXT_CAP) this.kept = capText(this.kept + s);
  }

  replace(s: unknown): void {
    if (typeof s !== 'string') return;
    this.total = s.length;
    this.kept = capText(s);
  }

  get text(): string {
    return this.kept;
  }

  /** Estimated tokens of the whole reply: the kept text, extrapolated at the same rate past the cap. */
  estimate(): number {
    return estimateCapped(this.kept, this.total);
  }
}

/** `s` cut to TEXT_CAP characters, never between the halves of a surrogate pair. */
export function capText(s: string): string {
  if (s.length <= TEXT_CAP) return s;
  let cut = TEXT_CAP;
  const c = s.charCodeAt(cut - 1);
  if (c >= 0xd800 && c < 0xdc00) cut--;
  return s.slice(0, cut);
}

/** Estimated tokens of a reply of `total` characters of which `kept` is the start (see endTurn in common.ts). */
export function estimateCapped(kept: string, total: number): number {
  const n = estimateTokens(kept);
  return kept.length > 0 && total > kept.length ? Math.round((n * total) / kept.length) : n;
}

/**
 * The input side of a new turn: the conversation so far (0 when unknown, e.g. after a reload) plus the prompt's
 * estimate, and the prompt's text when there is one. Never throws (the context is the hook's).
 */
export function inputFields(
  context: ConversationContext,
  conversationId: string | undefined,
  promptTokens: number,
  promptText?: string,
): Pick<SiteTurn, 'estimatedInputTokens' | 'contextTokens' | 'prompt'> {
  let soFar = 0;
  try {
    soFar = conversationId ? context.tokensSoFar(conversationId) : 0;
    if (!Number.isFinite(soFar) || soFar < 0) soFar = 0;
  } catch {
    soFar = 0;
  }
  const out: Pick<SiteTurn, 'estimatedInputTokens' | 'contextTokens' | 'prompt'> = {
    estimatedInputTokens: soFar + promptTokens,
    contextTokens: soFar,
  };
  if (promptText) out.prompt = capText(promptText);
  return out;
}

/** Adds a finished turn to its conversation (nothing when the conversation is unknown or nothing was said). */
export function addToContext(context: ConversationContext, conversationId: string | undefined, tokens: number): void {
  try {
    if (conversationId && tokens > 0) context.add(conversationId, tokens);
  } catch {
    // the context belongs to the hook: a failure there must not lose the turn
  }
}

/** The path and query of a URL (what `traffic` regexes are tested against); '' when it does not parse. */
export function pathAndQuery(url: string): string {
  try {
    const u = new URL(url, 'https://invalid.example/');
    return u.pathname + u.search;
  } catch {
    return '';
  }
}
