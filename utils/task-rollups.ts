/**
 * How turns add up into conversations and tasks. Shared by the background's ingest and the v3 upgrade, so
 * the totals a task shows are built the same way whether its turns arrived live or were grouped later.
 */
import { dayOf } from './day';
import type { Conversation, Rollup, Task, Turn } from './records';

/** Zero totals (here rather than beside the schemas, so pages can use it without loading Zod). */
export const emptyRollup = (): Rollup => ({
  inputTokens: 0,
  outputTokens: 0,
  exactTokens: 0,
  turns: 0,
  backgroundTokens: 0,
  backgroundTurns: 0,
  costUsd: 0,
  unpricedTokens: 0,
  retryTurns: 0,
  retryTokens: 0,
});

/**
 * The conversation a turn belongs to: its agent run when the traffic names one (an agent console shows many
 * runs on one page), else the page address it arrived on, else (rows from before conversations were
 * recorded) its site's day.
 */
export function conversationIdOf(site: string, turn: { runId?: string; day: string }, conv?: string): string {
  if (turn.runId) return `${site}|run:${turn.runId}`;
  if (conv) return `${site}|p:${conv}`;
  return `${site}|d:${turn.day}`;
}

/** The automatic task of a conversation: replaying the same traffic always lands on the same task. */
export const autoTaskId = (conversationId: string) => `t|${conversationId}`;

/** Adds (sign 1) or takes away (sign -1) one turn's figures. */
export function applyTurn(r: Rollup, turn: Turn, sign: 1 | -1): void {
  const tokens = turn.inputTokens + turn.outputTokens;
  r.inputTokens += sign * turn.inputTokens;
  r.outputTokens += sign * turn.outputTokens;
  if (turn.source === 'exact') r.exactTokens += sign * tokens;
  r.turns += sign;
  if (turn.background) {
    r.backgroundTokens += sign * tokens;
    r.backgroundTurns += sign;
  }
  if (turn.costUsd !== undefined) r.costUsd = Math.max(0, r.costUsd + sign * turn.costUsd);
  else r.unpricedTokens += sign * tokens;
  if (turn.retry) {
    r.retryTurns += sign;
    r.retryTokens += sign * tokens;
  }
}

/** Inputs this close to the previous turn's are the same context sent again: a regenerate or a retry. */
const RETRY_TOLERANCE = 0.02;
const RETRY_MIN_INPUT = 50;

/**
 * Whether a new user turn re-sends its conversation's previous context unchanged. A conversation that goes
 * on sends more each turn (the last reply and a new prompt are added); a regenerate sends the same again.
 */
export function isRetry(c: Pick<Conversation, 'lastInputTokens'>, turn: Turn): boolean {
  const prev = c.lastInputTokens;
  if (prev === undefined || turn.background || turn.runId || prev < RETRY_MIN_INPUT) return false;
  return Math.abs(turn.inputTokens - prev) <= prev * RETRY_TOLERANCE;
}

/** Adds one rollup into another (sign -1 takes it away). */
export function applyRollup(into: Rollup, r: Rollup, sign: 1 | -1): void {
  into.inputTokens += sign * r.inputTokens;
  into.outputTokens += sign * r.outputTokens;
  into.exactTokens += sign * r.exactTokens;
  into.turns += sign * r.turns;
  into.backgroundTokens += sign * r.backgroundTokens;
  into.backgroundTurns += sign * r.backgroundTurns;
  into.costUsd = Math.max(0, into.costUsd + sign * r.costUsd);
  into.unpricedTokens += sign * r.unpricedTokens;
  into.retryTurns += sign * r.retryTurns;
  into.retryTokens += sign * r.retryTokens;
}

export function rollupOf(x: Rollup): Rollup {
  const r = emptyRollup();
  applyRollup(r, x, 1);
  return r;
}

export function newConversation(id: string, turn: Turn, taskId: string): Conversation {
  return {
    id,
    site: turn.site,
    kind: turn.runId ? 'agent' : 'chat',
    taskId,
    firstAt: turn.at,
    lastAt: turn.at,
    signals: {},
    ...emptyRollup(),
  };
}

export function newAutoTask(conversation: Conversation): Task {
  return {
    id: autoTaskId(conversation.id),
    kind: conversation.kind,
    site: conversation.site,
    createdAt: conversation.firstAt,
    lastAt: conversation.lastAt,
    day: dayOf(conversation.lastAt),
    conversations: 1,
    signals: {},
    ...emptyRollup(),
  };
}

/** Moves a task's "last active" forward (never back), with the day index that goes with it. */
export function touch(task: Task, at: number): void {
  if (at > task.lastAt) {
    task.lastAt = at;
    task.day = dayOf(at);
  }
}
