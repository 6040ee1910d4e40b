/**
 * Stored rows, as Zod schemas: the same schemas type the Dexie tables and (later) validate imports.
 */
import { z } from './zod';
import { Origin, Provenance, RunStatus, ToolCalls, Transport, WireFormat } from './messages';

/** Local calendar day `YYYY-MM-DD` in the user's time zone. */
export const Day = z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/));

/** One model call. `id` is `<site>|<fact key>`, deterministic, so retries and replays upsert. */
export const Turn = z.strictObject({
  id: z.string(),
  site: Origin,
  day: Day,
  at: z.number(),
  format: WireFormat,
  transport: Transport,
  model: z.optional(z.string()),
  inputTokens: z.int(),
  outputTokens: z.int(),
  source: Provenance,
  status: z.enum(['complete', 'aborted']),
  durationMs: z.optional(z.number()),
  firstByteMs: z.optional(z.number()),
  apiOrigin: Origin,
  background: z.optional(z.boolean()),
  runId: z.optional(z.string()),
  runStatus: z.optional(RunStatus),
  runName: z.optional(z.string()),
  toolCalls: z.optional(ToolCalls),
});
export type Turn = z.infer<typeof Turn>;

/**
 * Per-day, per-site, per-provenance totals, kept up to date in the same transaction as every turn
 * write, so views cost O(days) rather than O(turns). `id` is `<day>|<site>|<source>`.
 */
export const DailyTotal = z.strictObject({
  id: z.string(),
  day: Day,
  site: Origin,
  source: Provenance,
  inputTokens: z.int(),
  outputTokens: z.int(),
  turns: z.int(),
  /** Of the above, what went to background calls (titles, summaries, agent sub-steps). */
  backgroundTokens: z.optional(z.int()),
  backgroundTurns: z.optional(z.int()),
});
export type DailyTotal = z.infer<typeof DailyTotal>;

/** What the pipeline knows about each site's traffic: never a silent zero. */
export const SiteHealth = z.strictObject({
  site: Origin,
  lastRecognisedAt: z.optional(z.number()),
  lastUnrecognisedAt: z.optional(z.number()),
  lastUnrecognisedType: z.optional(z.string()),
  unrecognised: z.int(),
  /** Page messages or deliveries that failed validation or a rate limit. */
  rejected: z.int(),
});
export type SiteHealth = z.infer<typeof SiteHealth>;
