/**
 * The contract of a public AI app's adapter (one file per site: chatgpt.ts, claude.ts, …). Everything that
 * knows about a site — its URL patterns, which requests to read, how to parse them, any selectors — lives in
 * its file and nowhere else (../shared/STYLE.md §2). Adapters run inside the MAIN-world page hook: plain
 * TypeScript, no Zod, no `browser`, and they never throw (a shape they do not know yields nothing).
 */
import type { BodyParser, ParsedTurn } from '@/utils/parsers/types';

export type SiteId = 'chatgpt' | 'claude' | 'gemini' | 'copilot' | 'perplexity';

/** What the hook knows about one request when it asks an adapter for a parser. */
export interface TrafficMeta {
  /** Absolute request URL. */
  url: string;
  method: string;
  contentType: string;
  /** The request body when it was a string (JSON, form-encoded); absent otherwise. */
  requestBody?: string;
}

/**
 * What the page re-sends each turn, per conversation, kept by the hook for the page's lifetime: the
 * input side of a turn is estimated as the visible conversation so far plus the new prompt (labelled an
 * estimate). Adapters read and extend it; they never keep state of their own between requests.
 */
export interface ConversationContext {
  /** Estimated tokens of the conversation so far (0 for one never seen, e.g. after a reload). */
  tokensSoFar(conversationId: string): number;
  /** Adds a finished turn's prompt and reply to the conversation (estimated tokens). */
  add(conversationId: string, tokens: number): void;
}

/** A parser for one WebSocket connection: frames in both directions, turns when replies end. */
export interface SocketParser {
  /** `sent`: what the page sent; `received`: what the server sent. Returns turns that ended with this frame. */
  frame(direction: 'sent' | 'received', data: string): ParsedTurn[];
  /** The socket closed: turns left open are returned as aborted. */
  close(): ParsedTurn[];
  readonly recognised: boolean;
}

export interface SiteAdapter {
  id: SiteId;
  /** The site's name as people know it ("ChatGPT"). */
  name: string;
  /** Match patterns of the site's pages: the manifest's content scripts and host permissions. */
  matches: readonly string[];
  /**
   * Requests worth reading, tested against the request URL's path and query. Nothing else on the page is
   * read (analytics, assets, the site's other APIs); a request that matches but parses to nothing is a
   * sign of drift (health).
   */
  traffic: readonly RegExp[];
  /** A parser for one HTTP response whose URL matched `traffic` (fetch, XHR, EventSource). */
  createParser(meta: TrafficMeta, context: ConversationContext): BodyParser;
  /** For sites that talk over a WebSocket (Copilot): a parser per socket whose URL matched `traffic`. */
  createSocketParser?(url: string, context: ConversationContext): SocketParser;
  /**
   * How the site's counts are labelled: 'tokenized' when the background re-counts the text with the real
   * tokenizer (ChatGPT, o200k), else 'estimated'. Never 'exact': these apps report no usage.
   */
  provenance: 'tokenized' | 'estimated';
  /** Selector fallback lists, newest first, each with a comment naming the UI variant (none needed yet). */
  selectors: Readonly<Record<string, readonly string[]>>;
}
