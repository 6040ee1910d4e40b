/**
 * Every message that crosses a trust boundary, as Zod schemas (the single source of their types).
 *
 * Channels:
 * - page → relay: the MAIN-world hook posts over a private MessagePort. The page can still call the wrapped
 *   fetch itself, so everything here is page-controlled input and is validated in the relay.
 * - relay → background: facts the relay has written to its outbox, and health counters.
 * - extension page → background: privileged requests, accepted only from our own pages.
 *
 * Facts carry counts and metadata only. There is deliberately no text field in them: prompt and reply text
 * travel only in the separate `text` messages below, which the hook sends only where the person turned text
 * storage on for the site, and which the background checks against that setting again before it stores them.
 */
import { z } from './zod';
import { WIRE_FORMAT_IDS } from './parsers/types';

// `/* @__PURE__ */` marks each schema-building call as free of side effects, so a bundle that imports only
// plain values or types from this module (the content scripts: outbox keys, message types) leaves the
// schemas and Zod itself out. Without the marks the bundler keeps every schema. Keep them on new schemas.

const MAX_TOKENS = 50_000_000; // far above any real single call; anything larger is forged or broken
const shortText = (max: number) =>
  /* @__PURE__ */ z.string().check(/* @__PURE__ */ z.minLength(1), /* @__PURE__ */ z.maxLength(max));
const count = /* @__PURE__ */ z.int().check(/* @__PURE__ */ z.gte(0), /* @__PURE__ */ z.lte(MAX_TOKENS));
const epochMs = /* @__PURE__ */ z
  .number()
  .check(/* @__PURE__ */ z.gte(1_500_000_000_000), /* @__PURE__ */ z.lte(4_000_000_000_000));
/** An http(s) origin such as `https://ai.example.com` or `http://127.0.0.1:5566` (no path). */
export const Origin = /* @__PURE__ */ z
  .string()
  .check(/* @__PURE__ */ z.maxLength(300), /* @__PURE__ */ z.regex(/^https?:\/\/[^/?#\s]+$/));

/** Where a count came from. Never present an `estimated` count as `exact`. */
export const Provenance = /* @__PURE__ */ z.enum(['exact', 'tokenized', 'estimated']);
export type Provenance = z.infer<typeof Provenance>;

/** Wire formats the parsers recognise (the list lives in utils/parsers/types.ts). */
export const WireFormat = /* @__PURE__ */ z.enum(WIRE_FORMAT_IDS);
export type WireFormat = z.infer<typeof WireFormat>;

export const Transport = /* @__PURE__ */ z.enum(['fetch', 'xhr', 'eventsource', 'websocket']);

export const RunStatus = /* @__PURE__ */ z.enum(['running', 'completed', 'failed', 'cancelled']);
export type RunStatus = z.infer<typeof RunStatus>;

/** Tool name → number of calls. Names only (never arguments), bounded in count and length. */
export const ToolCalls = /* @__PURE__ */ z
  .record(
    /* @__PURE__ */ z.string().check(/* @__PURE__ */ z.minLength(1), /* @__PURE__ */ z.maxLength(80)),
    /* @__PURE__ */ z.int().check(/* @__PURE__ */ z.gte(1), /* @__PURE__ */ z.lte(100_000)),
  )
  .check(/* @__PURE__ */ z.refine((r) => Object.keys(r).length <= 64, 'at most 64 tool names'));
export type ToolCalls = z.infer<typeof ToolCalls>;

/** Most quota windows one fact carries (Claude reports two or three). */
export const QUOTA_MAX = 8;

/**
 * One usage-limit window as the site itself reports it (Claude's `message_limit` frame): the site's own figure,
 * shown as such, never mixed with Tokenwise's counts. `kind` is the site's name for the window ("5h", "7d").
 */
export const QuotaWindow = /* @__PURE__ */ z.strictObject({
  kind: /* @__PURE__ */ shortText(40),
  /** Share of the window used, 0–1. */
  utilization: /* @__PURE__ */ z.number().check(/* @__PURE__ */ z.gte(0), /* @__PURE__ */ z.lte(1)),
  /** When the window resets (epoch ms). */
  resetsAt: /* @__PURE__ */ z.optional(epochMs),
});
export type QuotaWindow = z.infer<typeof QuotaWindow>;

/** One model call as observed on the page: small facts only. */
export const UsageFact = /* @__PURE__ */ z.strictObject({
  /** Stable within the site: `<format>:<response id>` so a replayed response maps to the same row. */
  key: /* @__PURE__ */ shortText(240),
  format: WireFormat,
  transport: Transport,
  model: /* @__PURE__ */ z.optional(/* @__PURE__ */ shortText(120)),
  inputTokens: count,
  outputTokens: count,
  /** Provenance of the input and output counts (both come from the same source). */
  source: Provenance,
  status: /* @__PURE__ */ z.enum(['complete', 'aborted']),
  startedAt: epochMs,
  durationMs: /* @__PURE__ */ z.optional(
    /* @__PURE__ */ z.number().check(/* @__PURE__ */ z.gte(0), /* @__PURE__ */ z.lte(86_400_000)),
  ),
  firstByteMs: /* @__PURE__ */ z.optional(
    /* @__PURE__ */ z.number().check(/* @__PURE__ */ z.gte(0), /* @__PURE__ */ z.lte(86_400_000)),
  ),
  /** Origin of the API that answered (may differ from the page: UI on one host, API on another). */
  apiOrigin: Origin,
  /**
   * A model call the user never saw as a turn of their own (title generation, summaries, an agent's
   * sub-steps): recorded and labelled, never mixed into the user's turns.
   */
  background: /* @__PURE__ */ z.optional(/* @__PURE__ */ z.boolean()),
  /** The agent run / job / thread the call belongs to, as the traffic names it. */
  runId: /* @__PURE__ */ z.optional(/* @__PURE__ */ shortText(200)),
  runStatus: /* @__PURE__ */ z.optional(RunStatus),
  runName: /* @__PURE__ */ z.optional(/* @__PURE__ */ shortText(200)),
  toolCalls: /* @__PURE__ */ z.optional(ToolCalls),
  /** A snapshot of a record seen again and again (polling): later sightings replace it, never add. */
  snapshot: /* @__PURE__ */ z.optional(/* @__PURE__ */ z.boolean()),
  /** Public apps: the usage-limit windows the reply reported (Claude), the site's own figures, not counts. */
  quota: /* @__PURE__ */ z.optional(/* @__PURE__ */ z.array(QuotaWindow).check(/* @__PURE__ */ z.maxLength(QUOTA_MAX))),
});
export type UsageFact = z.infer<typeof UsageFact>;

/** Most characters of prompt or reply text one message carries (the parsers keep TEXT_CAP of a reply). */
export const TEXT_MAX = 65_536;
const turnText = /* @__PURE__ */ z.optional(/* @__PURE__ */ z.string().check(/* @__PURE__ */ z.maxLength(TEXT_MAX)));

/** MAIN world → isolated relay. */
export const PageMessage = /* @__PURE__ */ z.discriminatedUnion('type', [
  /* @__PURE__ */ z.strictObject({ type: /* @__PURE__ */ z.literal('usage'), fact: UsageFact }),
  /**
   * The text of one turn, sent beside its `usage` fact under the same key (so it maps to the same turn id,
   * `<site>|<key>`). Only ever sent for a site whose `storeText` setting is on; never part of a UsageFact.
   * `prompt` is the last user message of the request (when readable), `reply` the reply as it streamed.
   */
  /* @__PURE__ */ z.strictObject({
    type: /* @__PURE__ */ z.literal('text'),
    key: /* @__PURE__ */ shortText(240),
    prompt: turnText,
    reply: turnText,
  }),
  /**
   * The text of one public-app turn to be re-counted with the real tokenizer in the background (ChatGPT:
   * o200k), sent beside its `usage` fact under the same key whatever the text setting: it is counted and
   * dropped, never stored. `contextTokens` is the estimated conversation before the prompt.
   */
  /* @__PURE__ */ z.strictObject({
    type: /* @__PURE__ */ z.literal('count'),
    key: /* @__PURE__ */ shortText(240),
    prompt: turnText,
    reply: turnText,
    contextTokens: count,
  }),
  /** A body the hook read (model-call-like content type) but no parser recognised. */
  /* @__PURE__ */ z.strictObject({
    type: /* @__PURE__ */ z.literal('unrecognised'),
    apiOrigin: Origin,
    contentType: /* @__PURE__ */ z.string().check(/* @__PURE__ */ z.maxLength(120)),
  }),
]);
export type PageMessage = z.infer<typeof PageMessage>;

/** A hash of the page's path (never the path itself: it can hold words of the conversation). */
export const ConversationKey = /* @__PURE__ */ z.string().check(/* @__PURE__ */ z.regex(/^[0-9a-z]{1,32}$/));
/** A page title as the user sees it in the tab strip; the one piece of page text kept by default. */
export const PageTitle = /* @__PURE__ */ z
  .string()
  .check(/* @__PURE__ */ z.minLength(1), /* @__PURE__ */ z.maxLength(200));

/**
 * A fact as the relay hands it on: tagged with the page's origin, which the relay (not the page) decides, and
 * with the conversation (page address) and page title the relay saw when the reply ended.
 */
export const SiteFact = /* @__PURE__ */ z.strictObject({
  site: Origin,
  fact: UsageFact,
  conv: /* @__PURE__ */ z.optional(ConversationKey),
  title: /* @__PURE__ */ z.optional(PageTitle),
});
export type SiteFact = z.infer<typeof SiteFact>;

/** Isolated relay → background. */
export const ContentMessage = /* @__PURE__ */ z.discriminatedUnion('type', [
  /* @__PURE__ */ z.strictObject({
    type: /* @__PURE__ */ z.literal('deliver'),
    facts: /* @__PURE__ */ z.array(SiteFact).check(/* @__PURE__ */ z.minLength(1), /* @__PURE__ */ z.maxLength(100)),
  }),
  /* @__PURE__ */ z.strictObject({
    type: /* @__PURE__ */ z.literal('health'),
    site: Origin,
    unrecognised: count,
    rejected: count,
    lastContentType: /* @__PURE__ */ z.optional(/* @__PURE__ */ z.string().check(/* @__PURE__ */ z.maxLength(120))),
  }),
  /** The user copied text on a page where a reply was recorded: a hint that the conversation was useful. */
  /* @__PURE__ */ z.strictObject({ type: /* @__PURE__ */ z.literal('copied'), site: Origin, conv: ConversationKey }),
  /** A turn's prompt and reply text (opt-in per site); best effort, not through the outbox. */
  /* @__PURE__ */ z.strictObject({
    type: /* @__PURE__ */ z.literal('text'),
    site: Origin,
    key: /* @__PURE__ */ shortText(240),
    prompt: turnText,
    reply: turnText,
  }),
  /** A public-app turn's text to re-count (see the page message); best effort, never stored. */
  /* @__PURE__ */ z.strictObject({
    type: /* @__PURE__ */ z.literal('count'),
    site: Origin,
    key: /* @__PURE__ */ shortText(240),
    prompt: turnText,
    reply: turnText,
    contextTokens: count,
  }),
]);
export type ContentMessage = z.infer<typeof ContentMessage>;

// Extension pages → background: UiMessage lives in ui-messages.ts, so the content scripts (which import this
// module) do not carry its schemas.

/**
 * Isolated relay → MAIN-world hook, over the private port (the page cannot reach it): whether to send the
 * text of each turn. The hook starts with text off and keeps it off until told otherwise.
 */
export interface HookConfig {
  type: 'config';
  text: boolean;
}

/** Every reply from the background carries `ok`; the relay retries until it sees `ok: true`. */
export type Ack = { ok: true; stored?: number } | { ok: false; error: string };
