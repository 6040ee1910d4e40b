/**
 * Shapes shared by the wire-format parsers. These run inside the MAIN-world page hook, so they are
 * plain TypeScript (no Zod, no DOM beyond what a worker has): the relay validates what they produce.
 */

/** Every wire format a parser can recognise. Keep in sync with `WireFormat` in utils/messages.ts. */
/**
 * The wire formats the parsers recognise: the one list the message schema (utils/messages.ts) and the relay's
 * Zod-free check (utils/relay-core.ts) are built from.
 */
export const WIRE_FORMAT_IDS = [
  'openai-chat', // OpenAI Chat Completions (streamed chunks or one JSON body), and OpenAI-compatible servers
  'openai-responses', // OpenAI Responses API SSE
  'anthropic-messages', // Anthropic Messages SSE (or one JSON body)
  'bedrock-converse', // Amazon Bedrock Converse JSON / ConverseStream events re-streamed as JSON
  'gemini', // Gemini / Vertex generateContent & streamGenerateContent (usageMetadata)
  'ollama', // Ollama /api/chat and /api/generate NDJSON
  'ai-sdk', // Vercel AI SDK: data stream (0:/e:/d: lines), UI message stream (SSE parts), text stream
  'usage-json', // any JSON object with an id and a usage object (agent run records, job status)
  'chatgpt-web', // the public apps' own web traffic, one adapter each (utils/adapters/)
  'claude-web',
  'gemini-web',
  'copilot-web',
  'perplexity-web',
] as const;
export type WireFormatId = (typeof WIRE_FORMAT_IDS)[number];

/** Status of an agent run / job as the tool itself reports it. */
export type RunStatus = 'running' | 'completed' | 'failed' | 'cancelled';

/**
 * One model reply as seen in one response body, before provenance is decided.
 * `usage` is present only when the traffic itself carried a usage object (then the count is exact).
 */
export interface ParsedTurn {
  format: WireFormatId;
  /** The reply's own id from the traffic (chatcmpl-…, resp_…, msg_…); absent when the format has none. */
  id?: string;
  model?: string;
  usage?: { inputTokens: number; outputTokens: number };
  /** Reply text streamed so far, for the estimator when no usage arrives. Capped; never stored. */
  text: string;
  /** Running estimate over ALL reply text, including what fell past the `text` cap. */
  estimatedOutputTokens?: number;
  /** True when the stream ended before the format's own end marker (user pressed stop, network cut). */
  aborted: boolean;
  /**
   * Tool calls the reply (or run record) made, counted per tool name — names only, never arguments.
   * For a `snapshot` record these are the record's current totals, not increments.
   */
  toolCalls?: Record<string, number>;
  /** The agent run / job / thread this call belongs to, when the traffic names one. */
  runId?: string;
  runStatus?: RunStatus;
  /** A display name the tool gives the run (e.g. "Triage inbox"); metadata, shown to the user only. */
  runName?: string;
  /**
   * The record is a snapshot of a long-lived object that will be seen again (polling, list refresh,
   * cumulative usage of a running job): the same id must update one stored record, never add to it.
   */
  snapshot?: boolean;
  /**
   * Public AI apps (utils/adapters/): the estimated input of the turn, i.e. the visible conversation so far
   * (ConversationContext) plus the new prompt. Such apps report no usage, so the generic request-body
   * estimate would miss the context the site re-sends.
   */
  estimatedInputTokens?: number;
  /** Public AI apps: of `estimatedInputTokens`, the part that is the conversation so far (the rest is the prompt). */
  contextTokens?: number;
  /** Public AI apps: the new prompt's text (capped), for the background's real tokenizer. Never stored. */
  prompt?: string;
  /** Public AI apps: the site's own conversation / thread id, when the traffic names one. */
  conversationId?: string;
  /** Public AI apps: quota windows the reply carried (Claude's `message_limit`), the site's own figures. */
  quota?: { kind: string; utilization: number; resetsAt?: number }[];
}

/** Incremental parser for one response body: feed decoded text as it arrives, then finish once. */
export interface BodyParser {
  push(chunk: string): void;
  /** `aborted` says the body ended early (reader error or cancel). Returns the turns found; [] if none. */
  finish(aborted: boolean): ParsedTurn[];
  /** True once the parser has seen at least one event of a known format (for health reporting). */
  readonly recognised: boolean;
  /** True when more input cannot change the result (e.g. a JSON body past the size cap): stop reading. */
  readonly satisfied?: boolean;
}
