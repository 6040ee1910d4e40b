/**
 * Every message that crosses a trust boundary, as Zod schemas (the single source of their types).
 *
 * Channels:
 * - page → relay: the MAIN-world hook posts over a private MessagePort. The page can still call the wrapped
 *   fetch itself, so everything here is page-controlled input and is validated in the relay.
 * - relay → background: facts the relay has written to its outbox, and health counters.
 * - extension page → background: privileged requests, accepted only from our own pages.
 *
 * Facts carry counts and metadata only. There is deliberately no text field: prompt or reply text
 * never crosses these channels (a later opt-in adds its own message type).
 */
import { z } from './zod';

const MAX_TOKENS = 50_000_000; // far above any real single call; anything larger is forged or broken
const shortText = (max: number) => z.string().check(z.minLength(1), z.maxLength(max));
const count = z.int().check(z.gte(0), z.lte(MAX_TOKENS));
const epochMs = z.number().check(z.gte(1_500_000_000_000), z.lte(4_000_000_000_000));
/** An http(s) origin such as `https://ai.example.com` or `http://127.0.0.1:5566` (no path). */
export const Origin = z.string().check(z.maxLength(300), z.regex(/^https?:\/\/[^/?#\s]+$/));

/** Where a count came from. Never present an `estimated` count as `exact`. */
export const Provenance = z.enum(['exact', 'tokenized', 'estimated']);
export type Provenance = z.infer<typeof Provenance>;

/** Wire formats the parsers recognise (mirrors `WireFormatId` in utils/parsers/types.ts). */
export const WireFormat = z.enum([
  'openai-chat',
  'openai-responses',
  'anthropic-messages',
  'bedrock-converse',
  'gemini',
  'ollama',
  'ai-sdk',
  'usage-json',
]);
export type WireFormat = z.infer<typeof WireFormat>;

export const Transport = z.enum(['fetch', 'xhr', 'eventsource', 'websocket']);

export const RunStatus = z.enum(['running', 'completed', 'failed', 'cancelled']);
export type RunStatus = z.infer<typeof RunStatus>;

/** Tool name → number of calls. Names only (never arguments), bounded in count and length. */
export const ToolCalls = z
  .record(z.string().check(z.minLength(1), z.maxLength(80)), z.int().check(z.gte(1), z.lte(100_000)))
  .check(z.refine((r) => Object.keys(r).length <= 64, 'at most 64 tool names'));
export type ToolCalls = z.infer<typeof ToolCalls>;

/** One model call as observed on the page: small facts only. */
export const UsageFact = z.strictObject({
  /** Stable within the site: `<format>:<response id>` so a replayed response maps to the same row. */
  key: shortText(240),
  format: WireFormat,
  transport: Transport,
  model: z.optional(shortText(120)),
  inputTokens: count,
  outputTokens: count,
  /** Provenance of the input and output counts (both come from the same source). */
  source: Provenance,
  status: z.enum(['complete', 'aborted']),
  startedAt: epochMs,
  durationMs: z.optional(z.number().check(z.gte(0), z.lte(86_400_000))),
  firstByteMs: z.optional(z.number().check(z.gte(0), z.lte(86_400_000))),
  /** Origin of the API that answered (may differ from the page: UI on one host, API on another). */
  apiOrigin: Origin,
  /**
   * A model call the user never saw as a turn of their own (title generation, summaries, an agent's
   * sub-steps): recorded and labelled, never mixed into the user's turns.
   */
  background: z.optional(z.boolean()),
  /** The agent run / job / thread the call belongs to, as the traffic names it. */
  runId: z.optional(shortText(200)),
  runStatus: z.optional(RunStatus),
  runName: z.optional(shortText(200)),
  toolCalls: z.optional(ToolCalls),
  /** A snapshot of a record seen again and again (polling): later sightings replace it, never add. */
  snapshot: z.optional(z.boolean()),
});
export type UsageFact = z.infer<typeof UsageFact>;

/** MAIN world → isolated relay. */
export const PageMessage = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('usage'), fact: UsageFact }),
  /** A body the hook read (model-call-like content type) but no parser recognised. */
  z.strictObject({
    type: z.literal('unrecognised'),
    apiOrigin: Origin,
    contentType: z.string().check(z.maxLength(120)),
  }),
]);
export type PageMessage = z.infer<typeof PageMessage>;

/** A hash of the page's path (never the path itself: it can hold words of the conversation). */
export const ConversationKey = z.string().check(z.regex(/^[0-9a-z]{1,32}$/));
/** A page title as the user sees it in the tab strip; the one piece of page text kept by default. */
export const PageTitle = z.string().check(z.minLength(1), z.maxLength(200));

/**
 * A fact as the relay hands it on: tagged with the page's origin, which the relay (not the page) decides, and
 * with the conversation (page address) and page title the relay saw when the reply ended.
 */
export const SiteFact = z.strictObject({
  site: Origin,
  fact: UsageFact,
  conv: z.optional(ConversationKey),
  title: z.optional(PageTitle),
});
export type SiteFact = z.infer<typeof SiteFact>;

/** Isolated relay → background. */
export const ContentMessage = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('deliver'),
    facts: z.array(SiteFact).check(z.minLength(1), z.maxLength(100)),
  }),
  z.strictObject({
    type: z.literal('health'),
    site: Origin,
    unrecognised: count,
    rejected: count,
    lastContentType: z.optional(z.string().check(z.maxLength(120))),
  }),
  /** The user copied text on a page where a reply was recorded: a hint that the conversation was useful. */
  z.strictObject({ type: z.literal('copied'), site: Origin, conv: ConversationKey }),
]);
export type ContentMessage = z.infer<typeof ContentMessage>;

// Extension pages → background: UiMessage lives in ui-messages.ts, so the content scripts (which import this
// module) do not carry its schemas.

/** Every reply from the background carries `ok`; the relay retries until it sees `ok: true`. */
export type Ack = { ok: true; stored?: number } | { ok: false; error: string };

/** Prefix of the relay's outbox entries in `storage.local`; each key is `outbox:<site>|<fact key>`. */
export const OUTBOX_PREFIX = 'outbox:';
export const outboxKey = (f: SiteFact) => `${OUTBOX_PREFIX}${f.site}|${f.fact.key}`;
