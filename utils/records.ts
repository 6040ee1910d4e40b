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
  /** The conversation (or agent run) it belongs to: `Conversation.id`. Absent on rows from before v3. */
  conversationId: z.optional(z.string()),
  /** API-equivalent USD at the prices of utils/prices.json when it was stored; absent when unknown. */
  costUsd: z.optional(z.number()),
  /** It re-sent the previous turn's context unchanged (a regenerate or retry; see task-rollups.ts). */
  retry: z.optional(z.boolean()),
});
export type Turn = z.infer<typeof Turn>;

/**
 * Prompt and reply text of one turn: only for a site where the person turned text storage on, and only
 * after the redactor (utils/redact.ts) removed secrets. Kept apart from turns so nothing that reads counts
 * ever loads text, and so turning the setting off can delete it all at once. `id` is the turn's id.
 */
export const TurnText = z.strictObject({
  id: z.string(),
  site: Origin,
  day: Day,
  at: z.number(),
  /** What the person sent (the last user message of the request), redacted. */
  prompt: z.optional(z.string()),
  /** The reply as it streamed to the page, redacted. */
  reply: z.optional(z.string()),
  /** How many things the redactor removed, by kind (api-key, bearer-token, url-password, email, card-number). */
  redactions: z.record(z.string(), z.int()),
});
export type TurnText = z.infer<typeof TurnText>;

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
  /** API-equivalent USD of the priced turns, and tokens of turns with no known price. */
  costUsd: z.optional(z.number()),
  unpricedTokens: z.optional(z.int()),
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

/** What became of a task, in the user's own judgement. */
export const Outcome = z.enum(['done', 'partial', 'abandoned']);
export type Outcome = z.infer<typeof Outcome>;

/** chat: a conversation; agent: a run of an agent tool; manual: "I'm working on: …", started by the user. */
export const TaskKind = z.enum(['chat', 'agent', 'manual']);
export type TaskKind = z.infer<typeof TaskKind>;

/** Token and cost totals kept on conversations and tasks, updated in the same transaction as their turns. */
export const Rollup = z.strictObject({
  inputTokens: z.int(),
  outputTokens: z.int(),
  /** Of input + output, what came from the service's own usage figures (the rest is estimated/tokenized). */
  exactTokens: z.int(),
  turns: z.int(),
  backgroundTokens: z.int(),
  backgroundTurns: z.int(),
  /** API-equivalent USD of the priced turns (utils/cost.ts), and the tokens of turns no price was known for. */
  costUsd: z.number(),
  unpricedTokens: z.int(),
  /** Turns that re-sent the previous turn's context unchanged (regenerate / retry), and their tokens. */
  retryTurns: z.int(),
  retryTokens: z.int(),
});
export type Rollup = z.infer<typeof Rollup>;

/** Hints that suggest an outcome; the user decides. */
export const Signals = z.strictObject({
  /** The user copied text from the page (a reply, a code block) this many times. */
  copied: z.optional(z.int()),
  /** The latest status an agent run reported. */
  runStatus: z.optional(RunStatus),
  /** When the tab it was open in was closed. */
  closedAt: z.optional(z.number()),
});
export type Signals = z.infer<typeof Signals>;

/**
 * One conversation (a page address on a chat site) or one agent run: the unit that belongs to a task and can
 * be moved to another. `id` is `<site>|p:<hash of the page path>` or `<site>|run:<run id>`.
 */
export const Conversation = z.strictObject({
  id: z.string(),
  site: Origin,
  kind: z.enum(['chat', 'agent']),
  taskId: z.string(),
  /** The page's title for it (or the run's name); absent when titles are turned off for the site. */
  title: z.optional(z.string()),
  firstAt: z.number(),
  lastAt: z.number(),
  /** Input tokens of its latest user turn: the next turn sending the same again is a retry. */
  lastInputTokens: z.optional(z.int()),
  /** Largest input of any turn: a context that keeps growing shows here. */
  maxInputTokens: z.optional(z.int()),
  signals: Signals,
  ...Rollup.shape,
});
export type Conversation = z.infer<typeof Conversation>;

/**
 * A task: what the user set out to do, one or more conversations. Auto tasks are keyed `t|<conversation id>`
 * (so replaying the same traffic lands on the same task); manual ones `m|<start time>`. Marking an outcome
 * again with the same value changes nothing.
 */
export const Task = z.strictObject({
  id: z.string(),
  kind: TaskKind,
  /** The site of its first conversation; manual tasks may span sites. */
  site: z.optional(Origin),
  title: z.optional(z.string()),
  /** Where the title came from: the page, an agent run's name, or the user's own words. */
  titleSource: z.optional(z.enum(['page', 'run', 'user'])),
  createdAt: z.number(),
  lastAt: z.number(),
  /** Local day of `lastAt`, indexed: views read tasks by the days they were active. */
  day: Day,
  outcome: z.optional(Outcome),
  outcomeAt: z.optional(z.number()),
  note: z.optional(z.string().check(z.maxLength(200))),
  /** Manual tasks: when the user ended it (no new conversations join it after). */
  endedAt: z.optional(z.number()),
  conversations: z.int(),
  signals: Signals,
  ...Rollup.shape,
});
export type Task = z.infer<typeof Task>;
