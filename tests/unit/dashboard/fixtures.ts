/** Rows for the dashboard tests: a task or daily total with everything a test does not care about filled in. */
import { type DailyTotal, type Task, type Turn } from '@/utils/records';
import { emptyRollup } from '@/utils/task-rollups';

/** Wednesday 25 Nov 2026, 15:00 local (the tests run in Europe/Berlin). */
export const NOW = new Date(2026, 10, 25, 15, 0).getTime();
export const HOUR = 3_600_000;
export const SITE_A = 'https://chat.acme.example';
export const SITE_B = 'http://localhost:8080';

let n = 0;
export function task(over: Partial<Task> & { tokens?: number } = {}): Task {
  const { tokens = 1000, ...rest } = over;
  return {
    id: `t|${n++}`,
    kind: 'chat',
    site: SITE_A,
    createdAt: NOW - 2 * HOUR,
    lastAt: NOW - HOUR,
    day: '2026-11-25',
    conversations: 1,
    signals: {},
    ...emptyRollup(),
    inputTokens: tokens / 2,
    outputTokens: tokens / 2,
    exactTokens: tokens,
    turns: 2,
    ...rest,
  };
}

export function daily(
  day: string,
  source: DailyTotal['source'],
  tokens: number,
  site = SITE_A,
  costUsd?: number,
): DailyTotal {
  return {
    id: `${day}|${site}|${source}`,
    day,
    site,
    source,
    inputTokens: tokens,
    outputTokens: 0,
    turns: 1,
    ...(costUsd !== undefined ? { costUsd } : { unpricedTokens: tokens }),
  };
}

export function turn(over: Partial<Turn> = {}): Turn {
  return {
    id: `${SITE_A}|k${n++}`,
    site: SITE_A,
    day: '2026-11-25',
    at: NOW - HOUR,
    format: 'openai-chat',
    transport: 'fetch',
    model: 'gpt-4o',
    inputTokens: 100,
    outputTokens: 50,
    source: 'exact',
    status: 'complete',
    apiOrigin: SITE_A,
    ...over,
  };
}
