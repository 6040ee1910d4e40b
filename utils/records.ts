/**
 * Stored rows, as Zod schemas: the same schemas type the Dexie tables and (later) validate imports.
 */
import { z } from './zod';
import { Origin, Provenance, RunStatus, ToolCalls, Transport, WireFormat } from './messages';

/** Local calendar day `YYYY-MM-DD` in the user's time zone. */
export const Day = z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/));

/** One model call. `id` is `<site>|<fact key>`, deterministic, so retries and replays upsert. */
export const Turn = z.strictObject({
  id: z.string().check(z.describe('Deterministic key `<site>|<fact key>`: replays and retries update the same row.')),
  site: Origin.check(z.describe('Origin of the page the call was made from.')),
  day: Day.check(z.describe('Local calendar day (YYYY-MM-DD) of the call.')),
  at: z.number().check(z.describe('When the call started, in milliseconds since 1970 (UTC).')),
  format: WireFormat.check(z.describe('Wire format the reply was read in.')),
  transport: Transport.check(z.describe('How the page talked to the model: fetch, XHR, EventSource or WebSocket.')),
  model: z.optional(z.string()).check(z.describe('Model name as the service reported it.')),
  inputTokens: z.int().check(z.describe('Tokens sent to the model.')),
  outputTokens: z.int().check(z.describe('Tokens the model produced.')),
  source: Provenance.check(z.describe('Where the counts came from: the service (exact), a tokenizer, or an estimate.')),
  status: z.enum(['complete', 'aborted']).check(z.describe('complete, or aborted when the reply was stopped early.')),
  durationMs: z.optional(z.number()).check(z.describe('Milliseconds from request to the end of the reply.')),
  firstByteMs: z.optional(z.number()).check(z.describe('Milliseconds from request to the first byte of the reply.')),
  apiOrigin: Origin.check(z.describe('Origin of the API the page called.')),
  background: z
    .optional(z.boolean())
    .check(z.describe('A background call (title, summary, agent sub-step), not one the person typed.')),
  runId: z.optional(z.string()).check(z.describe('The agent run this call belongs to.')),
  runStatus: z.optional(RunStatus).check(z.describe('The status the agent run reported with this call.')),
  runName: z.optional(z.string()).check(z.describe("The agent run's name.")),
  toolCalls: z.optional(ToolCalls).check(z.describe('Tool name → number of calls (names only, never arguments).')),
  /** The conversation (or agent run) it belongs to: `Conversation.id`. Absent on rows from before v3. */
  conversationId: z
    .optional(z.string())
    .check(z.describe('The conversation or agent run it belongs to (Conversation.id). Absent on rows from before v3.')),
  /** API-equivalent USD at the prices of utils/prices.json when it was stored; absent when unknown. */
  costUsd: z
    .optional(z.number())
    .check(z.describe('API-equivalent USD at the prices known when it was stored; absent when unknown.')),
  /** It re-sent the previous turn's context unchanged (a regenerate or retry; see task-rollups.ts). */
  retry: z
    .optional(z.boolean())
    .check(z.describe("It re-sent the previous turn's context unchanged (a regenerate or retry).")),
});
export type Turn = z.infer<typeof Turn>;

/**
 * How turns are stored: a record per day (several, of at most 500 turns each, on a busy day), holding
 * that day's turns of every site (utils/turn-store.ts says why). `ids` and `conversationIds` are indexed, so a
 * turn is found by its id and a task's turns by their conversations without reading other days.
 */
export const TurnBundle = z.strictObject({
  key: z
    .string()
    .check(
      z.describe(
        '`<day>|<n>`: the local day its turns share, then which of that day’s records it is (at most 500 turns each).',
      ),
    ),
  ids: z.array(z.string()).check(z.describe('The id of every turn in it (indexed: finds a turn by its id).')),
  conversationIds: z
    .array(z.string())
    .check(z.describe('The conversations its turns belong to (indexed: finds the turns of a task).')),
  rows: z.array(Turn).check(z.describe('The turns, by id.')),
});
export type TurnBundle = z.infer<typeof TurnBundle>;

/**
 * Prompt and reply text of one turn: only for a site where the person turned text storage on, and only
 * after the redactor (utils/redact.ts) removed secrets. Kept apart from turns so nothing that reads counts
 * ever loads text, and so turning the setting off can delete it all at once. `id` is the turn's id.
 */
export const TurnText = z.strictObject({
  id: z.string().check(z.describe("The turn's id.")),
  site: Origin.check(z.describe('Origin of the page.')),
  day: Day.check(z.describe('Local calendar day (YYYY-MM-DD) of the turn.')),
  at: z.number().check(z.describe('When the turn started, in milliseconds since 1970 (UTC).')),
  /** What the person sent (the last user message of the request), redacted. */
  prompt: z
    .optional(z.string())
    .check(z.describe('What the person sent (the last user message), with secrets removed.')),
  /** The reply as it streamed to the page, redacted. */
  reply: z.optional(z.string()).check(z.describe('The reply as it streamed to the page, with secrets removed.')),
  /** How many things the redactor removed, by kind (api-key, bearer-token, url-password, email, card-number). */
  redactions: z
    .record(z.string(), z.int())
    .check(
      z.describe(
        'How many things the redactor removed, by kind (api-key, bearer-token, url-password, email, card-number).',
      ),
    ),
});
export type TurnText = z.infer<typeof TurnText>;

/**
 * Per-day, per-site, per-provenance totals, kept up to date in the same transaction as every turn
 * write, so views cost O(days) rather than O(turns). `id` is `<day>|<site>|<source>`.
 */
export const DailyTotal = z.strictObject({
  id: z.string().check(z.describe('`<day>|<site>|<source>`.')),
  day: Day.check(z.describe('Local calendar day (YYYY-MM-DD).')),
  site: Origin.check(z.describe('Origin of the site.')),
  source: Provenance.check(z.describe('Provenance of the counts in this row: exact, tokenized or estimated.')),
  inputTokens: z.int().check(z.describe('Tokens sent to models that day.')),
  outputTokens: z.int().check(z.describe('Tokens models produced that day.')),
  turns: z.int().check(z.describe('Model calls that day.')),
  /** Of the above, what went to background calls (titles, summaries, agent sub-steps). */
  backgroundTokens: z
    .optional(z.int())
    .check(z.describe('Of the tokens, those of background calls (titles, summaries, agent sub-steps).')),
  backgroundTurns: z.optional(z.int()).check(z.describe('Of the calls, the background ones.')),
  /** API-equivalent USD of the priced turns, and tokens of turns with no known price. */
  costUsd: z.optional(z.number()).check(z.describe('API-equivalent USD of the priced calls.')),
  unpricedTokens: z.optional(z.int()).check(z.describe('Tokens of calls with no known price.')),
});
export type DailyTotal = z.infer<typeof DailyTotal>;

/** One usage-limit window as a site reported it (QuotaWindow in utils/messages.ts, as stored). */
export const SiteQuotaWindow = z.strictObject({
  kind: z.string().check(z.describe('The site\'s name for the window, e.g. "5h" or "7d".')),
  utilization: z.number().check(z.describe('Share of the window used, 0–1.')),
  resetsAt: z.optional(z.number()).check(z.describe('When the window resets (ms since 1970).')),
});
export type SiteQuotaWindow = z.infer<typeof SiteQuotaWindow>;

/** The latest usage-limit windows a site itself reported, and when. */
export const SiteQuota = z.strictObject({
  windows: z.array(SiteQuotaWindow).check(z.describe('The windows, as the site reported them.')),
  at: z.number().check(z.describe('When the reply that reported them started (ms since 1970).')),
});
export type SiteQuota = z.infer<typeof SiteQuota>;

/** What the pipeline knows about each site's traffic: never a silent zero. */
export const SiteHealth = z.strictObject({
  site: Origin.check(z.describe('Origin of the site.')),
  lastRecognisedAt: z
    .optional(z.number())
    .check(z.describe('When model traffic was last recognised there (ms since 1970).')),
  lastUnrecognisedAt: z
    .optional(z.number())
    .check(z.describe('When traffic was last seen there that nothing could read (ms since 1970).')),
  lastUnrecognisedType: z.optional(z.string()).check(z.describe('Content type of that unrecognised traffic.')),
  unrecognised: z.int().check(z.describe('How many responses were seen that nothing could read.')),
  /** Page messages or deliveries that failed validation or a rate limit. */
  rejected: z.int().check(z.describe('Page messages or deliveries that failed validation or a rate limit.')),
  /** The latest usage-limit windows the site itself reported (Claude's `message_limit`): its own figure. */
  quota: z
    .optional(SiteQuota)
    .check(
      z.describe(
        "The latest usage-limit windows the site itself reported (Claude's message_limit): the site's own figure.",
      ),
    ),
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
  inputTokens: z.int().check(z.describe('Tokens sent to models.')),
  outputTokens: z.int().check(z.describe('Tokens models produced.')),
  /** Of input + output, what came from the service's own usage figures (the rest is estimated/tokenized). */
  exactTokens: z.int().check(z.describe("Of input + output, the tokens from the service's own usage figures.")),
  turns: z.int().check(z.describe('Model calls.')),
  backgroundTokens: z.int().check(z.describe('Tokens of background calls (titles, summaries, agent sub-steps).')),
  backgroundTurns: z.int().check(z.describe('Background calls.')),
  /** API-equivalent USD of the priced turns (utils/cost.ts), and the tokens of turns no price was known for. */
  costUsd: z.number().check(z.describe('API-equivalent USD of the priced calls.')),
  unpricedTokens: z.int().check(z.describe('Tokens of calls with no known price.')),
  /** Turns that re-sent the previous turn's context unchanged (regenerate / retry), and their tokens. */
  retryTurns: z.int().check(z.describe('Calls that re-sent the previous context unchanged (regenerate / retry).')),
  retryTokens: z.int().check(z.describe('Tokens of those retries.')),
});
export type Rollup = z.infer<typeof Rollup>;

/** Hints that suggest an outcome; the user decides. */
export const Signals = z.strictObject({
  /** The user copied text from the page (a reply, a code block) this many times. */
  copied: z.optional(z.int()).check(z.describe('How many times the person copied text from the page.')),
  /** The latest status an agent run reported. */
  runStatus: z.optional(RunStatus).check(z.describe('The latest status an agent run reported.')),
  /** When the tab it was open in was closed. */
  closedAt: z.optional(z.number()).check(z.describe('When the tab it was open in was closed (ms since 1970).')),
});
export type Signals = z.infer<typeof Signals>;

/**
 * One conversation (a page address on a chat site) or one agent run: the unit that belongs to a task and can
 * be moved to another. `id` is `<site>|p:<hash of the page path>` or `<site>|run:<run id>`.
 */
export const Conversation = z.strictObject({
  id: z.string().check(z.describe('`<site>|p:<hash of the page path>` or `<site>|run:<run id>`.')),
  site: Origin.check(z.describe('Origin of the site.')),
  kind: z.enum(['chat', 'agent']).check(z.describe('chat (a page address) or agent (an agent run).')),
  taskId: z.string().check(z.describe('The task it belongs to (Task.id).')),
  /** The page's title for it (or the run's name); absent when titles are turned off for the site. */
  title: z
    .optional(z.string())
    .check(z.describe("The page's title (or the run's name); absent when titles are off for the site.")),
  firstAt: z.number().check(z.describe('Its first model call (ms since 1970).')),
  lastAt: z.number().check(z.describe('Its latest model call (ms since 1970).')),
  /** Input tokens of its latest user turn: the next turn sending the same again is a retry. */
  lastInputTokens: z.optional(z.int()).check(z.describe('Input tokens of its latest user turn.')),
  /** Largest input of any turn: a context that keeps growing shows here. */
  maxInputTokens: z.optional(z.int()).check(z.describe('Largest input of any of its turns.')),
  signals: Signals.check(z.describe('Hints that suggest an outcome.')),
  ...Rollup.shape,
});
export type Conversation = z.infer<typeof Conversation>;

/**
 * How conversations are stored: a record per day they started (UTC; several, of at most 500, on a busy day),
 * holding them (utils/conversation-store.ts). `ids` and `taskIds` are indexed, so a conversation is found by its
 * id and a task's conversations by the task.
 */
export const ConversationBundle = z.strictObject({
  key: z
    .string()
    .check(z.describe('`<day>|<n>`: the day (UTC) its conversations started, then which of that day’s records it is.')),
  ids: z.array(z.string()).check(z.describe('The id of every conversation in it (indexed).')),
  taskIds: z.array(z.string()).check(z.describe('The tasks its conversations belong to (indexed).')),
  rows: z.array(Conversation).check(z.describe('The conversations, by id.')),
});
export type ConversationBundle = z.infer<typeof ConversationBundle>;

/**
 * A task: what the user set out to do, one or more conversations. Auto tasks are keyed `t|<conversation id>`
 * (so replaying the same traffic lands on the same task); manual ones `m|<start time>`. Marking an outcome
 * again with the same value changes nothing.
 */
export const Task = z.strictObject({
  id: z
    .string()
    .check(z.describe('`t|<conversation id>` for automatic tasks, `m|<start time>` for ones the person started.')),
  kind: TaskKind.check(z.describe('chat, agent, or manual (started by the person).')),
  /** The site of its first conversation; manual tasks may span sites. */
  site: z.optional(Origin).check(z.describe('The site of its first conversation.')),
  title: z.optional(z.string()).check(z.describe('Its title.')),
  /** Where the title came from: the page, an agent run's name, or the user's own words. */
  titleSource: z
    .optional(z.enum(['page', 'run', 'user']))
    .check(z.describe("Where the title came from: the page, an agent run's name, or the person.")),
  createdAt: z.number().check(z.describe('When it started (ms since 1970).')),
  lastAt: z.number().check(z.describe('Its latest activity (ms since 1970).')),
  /** Local day of `lastAt`, indexed: views read tasks by the days they were active. */
  day: Day.check(z.describe('Local day (YYYY-MM-DD) of its latest activity.')),
  outcome: z
    .optional(Outcome)
    .check(z.describe("What became of it, in the person's judgement: done, partial or abandoned.")),
  outcomeAt: z.optional(z.number()).check(z.describe('When the outcome was marked (ms since 1970).')),
  note: z
    .optional(z.string().check(z.maxLength(200)))
    .check(z.describe("The person's note on the outcome (at most 200 characters).")),
  /** Manual tasks: when the user ended it (no new conversations join it after). */
  endedAt: z.optional(z.number()).check(z.describe('Manual tasks: when the person ended it.')),
  conversations: z.int().check(z.describe('How many conversations belong to it.')),
  signals: Signals.check(z.describe('Hints that suggest an outcome.')),
  ...Rollup.shape,
});
export type Task = z.infer<typeof Task>;

/**
 * How tasks are stored: a record per local day of their latest activity (several, of at most 500, on a busy
 * day), holding them (utils/task-store.ts). A task moves to a later day's record when it is active again, so a
 * range of days is a range of keys: the popup reads a week of tasks as a handful of records. `ids` is indexed,
 * so a task is found by its id; `openManualIds` finds the person's running task.
 */
export const TaskBundle = z.strictObject({
  key: z
    .string()
    .check(
      z.describe('`<day>|<n>`: the local day its tasks were last active, then which of that day’s records it is.'),
    ),
  ids: z.array(z.string()).check(z.describe('The id of every task in it (indexed).')),
  openManualIds: z
    .array(z.string())
    .check(z.describe('Its manual tasks the person has not ended (indexed: finds the running one).')),
  rows: z.array(Task).check(z.describe('The tasks, by id.')),
});
export type TaskBundle = z.infer<typeof TaskBundle>;
