/**
 * Pure functions from stored tasks and daily rollups to "what did my tokens get done?". No DOM, no database:
 * tested table-driven (tests/unit/task-metrics.test.ts), in the user's own time zone.
 *
 * Nothing here rewards spending more: the headline is tokens per *completed* task (lower is better), and
 * spend that led nowhere is shown plainly, never as a score.
 */
import { dayOf } from './day';
import type { Conversation, DailyTotal, Outcome, Task } from './records';

/** Inclusive range of local days `YYYY-MM-DD`. */
export interface DayRange {
  from: string;
  to: string;
}

export type WindowKind = 'today' | 'week' | '30d';

/** Local noon of a `YYYY-MM-DD` day (noon: DST changes happen at night, so ±1 day arithmetic is safe). */
function noonOf(day: string): Date {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(y, m - 1, d, 12);
}

/** `day` moved by `n` calendar days (not 24 h steps: DST never skips or repeats a day). */
export function addDays(day: string, n: number): string {
  const d = noonOf(day);
  d.setDate(d.getDate() + n);
  return dayOf(d);
}

/** The Monday that starts the local week of `day` (ISO weeks: Monday to Sunday). */
export function startOfWeek(day: string): string {
  const d = noonOf(day);
  const back = (d.getDay() + 6) % 7; // Monday 0 … Sunday 6
  return addDays(day, -back);
}

/** Today; this week so far (Monday to today); the last 30 days including today. */
export function windowRange(kind: WindowKind, now: number | Date = Date.now()): DayRange {
  const today = dayOf(now);
  if (kind === 'today') return { from: today, to: today };
  if (kind === 'week') return { from: startOfWeek(today), to: today };
  return { from: addDays(today, -29), to: today };
}

export const inRange = (day: string, r: DayRange) => day >= r.from && day <= r.to;

/** A task with no outcome and no activity for this long is offered for marking. */
export const IDLE_MS = 30 * 60_000;
/** A task still without an outcome this long after its last activity counts as never finished. */
export const UNFINISHED_MS = 7 * 86_400_000;
/** An agent run still "running" with no news for this long was left running unattended. */
export const UNATTENDED_MS = 2 * 3_600_000;

const tokensOf = (t: Pick<Task, 'inputTokens' | 'outputTokens'>) => t.inputTokens + t.outputTokens;

export interface Suggestion {
  outcome: Outcome;
  /** Plain words for the hint, e.g. "the agent reported completed". */
  because: string;
}

/** What the signals suggest; the user confirms with one click. Undefined when they suggest nothing. */
export function suggestOutcome(task: Task): Suggestion | undefined {
  const s = task.signals;
  if (s.runStatus === 'completed') return { outcome: 'done', because: 'the agent reported completed' };
  if (s.runStatus === 'failed') return { outcome: 'abandoned', because: 'the agent reported failed' };
  if (s.runStatus === 'cancelled') return { outcome: 'abandoned', because: 'the run was cancelled' };
  if (s.copied)
    return { outcome: 'done', because: s.copied === 1 ? 'you copied a reply' : `you copied ${s.copied} times` };
  return undefined;
}

/**
 * Whether a task is ready to be marked: no outcome yet, it has turns (a manual task that has not started
 * has nothing to judge), and it has finished one way or another (its run ended, its tab closed, the user
 * ended it, or it has been idle a while).
 */
export function needsOutcome(task: Task, now: number = Date.now()): boolean {
  if (task.outcome || task.turns === 0) return false;
  if (task.kind === 'manual' && task.endedAt === undefined) return false;
  const s = task.signals;
  if (s.runStatus === 'running' && now - task.lastAt < UNATTENDED_MS) return false;
  if (s.runStatus && s.runStatus !== 'running') return true;
  if (s.closedAt !== undefined && s.closedAt >= task.lastAt) return true;
  if (task.endedAt !== undefined) return true;
  return now - task.lastAt >= IDLE_MS;
}

/**
 * Why a task's whole spend led nowhere, if it did (the first reason that applies); 'other' when it did not
 * (its retries and background calls may still count, see summariseOutcomes).
 */
export type WasteReason = 'abandoned' | 'unfinished' | 'unattended' | 'other';
export function wasteReason(t: Task, now: number): WasteReason {
  if (t.outcome === 'abandoned') return 'abandoned';
  if (!t.outcome && now - t.lastAt >= UNFINISHED_MS) return 'unfinished';
  if (t.signals.runStatus === 'running' && now - t.lastAt >= UNATTENDED_MS) return 'unattended';
  return 'other';
}

/** Spend that led nowhere, in tokens, by reason (a task counts under the first reason that applies). */
export interface Waste {
  /** Tasks the user marked abandoned. */
  abandoned: number;
  /** Tasks with no outcome a week after their last activity. */
  unfinished: number;
  /** Agent runs still "running" long after their last news. */
  unattended: number;
  /** Regenerate / retry turns inside tasks not already counted above. */
  retries: number;
  /** Background calls (titles, summaries, agent sub-steps) inside tasks not already counted above. */
  background: number;
  total: number;
}

export interface OutcomeSummary {
  range: DayRange;
  /**
   * Tokens in the range from the daily rollups, by where the count came from: the services' own figures,
   * counted locally with a real tokenizer, and estimated. Never merged into one unlabelled number.
   */
  tokens: { exact: number; tokenized: number; estimated: number; total: number };
  /** API-equivalent USD in the range, and tokens no price was known for. */
  costUsd: number;
  unpricedTokens: number;
  /** Tasks last active in the range, by outcome ('open': not marked). */
  tasks: { total: number; done: number; partial: number; abandoned: number; open: number };
  /** Tokens of tasks marked done ÷ their number; null when none was done (never 0, never infinity). */
  tokensPerDone: number | null;
  costPerDone: number | null;
  /** Tasks that are ready to be marked (see needsOutcome). */
  needOutcome: number;
  waste: Waste;
}

/**
 * The comparison at a glance for one range. Tasks are placed by the day of their last activity (`day`);
 * token totals come from the daily rollups, so they match the chart exactly.
 */
export function summariseOutcomes(
  tasks: readonly Task[],
  daily: readonly DailyTotal[],
  range: DayRange,
  now: number = Date.now(),
): OutcomeSummary {
  const tokens = { exact: 0, tokenized: 0, estimated: 0, total: 0 };
  let costUsd = 0;
  let unpricedTokens = 0;
  for (const d of daily) {
    if (!inRange(d.day, range)) continue;
    const n = d.inputTokens + d.outputTokens;
    tokens[d.source] += n;
    tokens.total += n;
    costUsd += d.costUsd ?? 0;
    unpricedTokens += d.unpricedTokens ?? 0;
  }
  const counts = { total: 0, done: 0, partial: 0, abandoned: 0, open: 0 };
  const waste: Waste = { abandoned: 0, unfinished: 0, unattended: 0, retries: 0, background: 0, total: 0 };
  let doneTokens = 0;
  let doneCost = 0;
  let doneCostKnown = true;
  let needOutcome = 0;
  for (const t of tasks) {
    if (!inRange(t.day, range) || t.turns === 0) continue;
    counts.total++;
    counts[t.outcome ?? 'open']++;
    if (needsOutcome(t, now)) needOutcome++;
    const n = tokensOf(t);
    if (t.outcome === 'done') {
      doneTokens += n;
      doneCost += t.costUsd;
      if (t.unpricedTokens > 0) doneCostKnown = false;
    }
    const reason = wasteReason(t, now);
    if (reason !== 'other') waste[reason] += n;
    else {
      waste.retries += t.retryTokens;
      waste.background += t.backgroundTokens;
    }
  }
  waste.total = waste.abandoned + waste.unfinished + waste.unattended + waste.retries + waste.background;
  return {
    range,
    tokens,
    costUsd,
    unpricedTokens,
    tasks: counts,
    tokensPerDone: counts.done > 0 ? doneTokens / counts.done : null,
    costPerDone: counts.done > 0 && doneCostKnown ? doneCost / counts.done : null,
    needOutcome,
    waste,
  };
}

export interface WeekPoint {
  /** The Monday the week starts on. */
  week: string;
  done: number;
  tokensPerDone: number | null;
}

/**
 * Tokens per completed task for each of the last `weeks` weeks (oldest first, the current week last), so the
 * person compares themselves with their own past, not with anyone else.
 */
export function weeklyTokensPerDone(tasks: readonly Task[], weeks: number, now: number = Date.now()): WeekPoint[] {
  const thisWeek = startOfWeek(dayOf(now));
  const starts = Array.from({ length: weeks }, (_, i) => addDays(thisWeek, -7 * (weeks - 1 - i)));
  const index = new Map(starts.map((w, i) => [w, i]));
  const sums = starts.map(() => ({ done: 0, tokens: 0 }));
  for (const t of tasks) {
    if (t.outcome !== 'done' || t.turns === 0) continue; // as in summariseOutcomes: nothing spent, nothing to divide
    const i = index.get(startOfWeek(t.day));
    if (i === undefined) continue;
    sums[i]!.done++;
    sums[i]!.tokens += tokensOf(t);
  }
  return starts.map((week, i) => ({
    week,
    done: sums[i]!.done,
    tokensPerDone: sums[i]!.done > 0 ? sums[i]!.tokens / sums[i]!.done : null,
  }));
}

/**
 * This week's tokens per completed task against the median of the previous weeks that had any: the ratio
 * (0.8 = 20 % fewer tokens per completed task than usual), or null when either side is unknown.
 */
export function trendAgainstOwnPast(points: readonly WeekPoint[]): number | null {
  const current = points[points.length - 1]?.tokensPerDone ?? null;
  const past = points
    .slice(0, -1)
    .map((p) => p.tokensPerDone)
    .filter((x): x is number => x !== null)
    .sort((a, b) => a - b);
  if (current === null || past.length === 0) return null;
  const mid = past.length >> 1;
  const median = past.length % 2 ? past[mid]! : (past[mid - 1]! + past[mid]!) / 2;
  return median > 0 ? current / median : null;
}

/** Tasks marked done per day of `days` (placed, like everything here, by the day of their last activity). */
export function completedPerDay(tasks: readonly Task[], days: readonly string[]): number[] {
  const index = new Map(days.map((d, i) => [d, i]));
  const out = days.map(() => 0);
  for (const t of tasks) {
    if (t.outcome !== 'done') continue;
    const i = index.get(t.day);
    if (i !== undefined) out[i]!++;
  }
  return out;
}

/** A conversation this long whose latest turn sends this much has been re-sending its whole history. */
export const GROWING_MIN_TURNS = 8;
export const GROWING_MIN_INPUT = 30_000;

/**
 * Conversations whose input grew with every turn until each call re-sent tens of thousands of tokens of
 * history: a sign that a fresh conversation with a short summary would have cost far less.
 */
export function growingContexts(
  conversations: readonly Pick<Conversation, 'id' | 'turns' | 'maxInputTokens' | 'backgroundTurns'>[],
): { id: string; maxInputTokens: number; turns: number }[] {
  return conversations
    .filter((c) => c.turns - c.backgroundTurns >= GROWING_MIN_TURNS && (c.maxInputTokens ?? 0) >= GROWING_MIN_INPUT)
    .map((c) => ({ id: c.id, maxInputTokens: c.maxInputTokens ?? 0, turns: c.turns - c.backgroundTurns }));
}
