/**
 * The numbers that compare spend with completed work, table-driven: windows and weeks in local days (DST
 * included), tokens per completed task, what needs an outcome, suggestions, spend that led nowhere, trends.
 */
import { describe, expect, it } from 'vitest';
import { type DailyTotal, type Task } from '@/utils/records';
import { emptyRollup } from '@/utils/task-rollups';
import {
  addDays,
  growingContexts,
  needsOutcome,
  startOfWeek,
  suggestOutcome,
  summariseOutcomes,
  trendAgainstOwnPast,
  weeklyTokensPerDone,
  windowRange,
  IDLE_MS,
  UNFINISHED_MS,
} from '@/utils/task-metrics';

const NOW = new Date(2026, 10, 25, 15, 0).getTime(); // Wednesday 25 Nov 2026, 15:00 local

function task(over: Partial<Task> & { tokens?: number } = {}): Task {
  const { tokens = 1000, ...rest } = over;
  return {
    id: `t|${Math.random()}`,
    kind: 'chat',
    createdAt: NOW - 3_600_000,
    lastAt: NOW - 3_600_000,
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

const daily = (day: string, source: DailyTotal['source'], tokens: number, costUsd?: number): DailyTotal => ({
  id: `${day}|s|${source}`,
  day,
  site: 'http://a.test',
  source,
  inputTokens: tokens,
  outputTokens: 0,
  turns: 1,
  ...(costUsd !== undefined ? { costUsd } : { unpricedTokens: tokens }),
});

describe('days and weeks in local time', () => {
  it.each([
    ['2026-11-25', '2026-11-23'], // Wednesday → Monday
    ['2026-11-23', '2026-11-23'], // Monday is its own week start
    ['2026-11-29', '2026-11-23'], // Sunday belongs to the week before it
    ['2026-03-31', '2026-03-30'],
    ['2026-10-25', '2026-10-19'], // the Sunday European clocks go back
    ['2026-03-29', '2026-03-23'], // the Sunday European clocks go forward
    ['2027-01-01', '2026-12-28'], // across a year
  ])('the week of %s starts on Monday %s', (day, monday) => {
    expect(startOfWeek(day)).toBe(monday);
  });

  it.each([
    ['2026-10-24', 1, '2026-10-25'],
    ['2026-10-25', 1, '2026-10-26'],
    ['2026-03-28', 2, '2026-03-30'],
    ['2026-12-31', 1, '2027-01-01'],
    ['2026-03-01', -1, '2026-02-28'],
  ])('%s plus %i day(s) is %s, whatever the DST change', (day, n, expected) => {
    expect(addDays(day, n)).toBe(expected);
  });

  it.each([
    ['today', { from: '2026-11-25', to: '2026-11-25' }],
    ['week', { from: '2026-11-23', to: '2026-11-25' }],
    ['30d', { from: '2026-10-27', to: '2026-11-25' }],
  ] as const)('the %s window', (kind, range) => {
    expect(windowRange(kind, NOW)).toEqual(range);
  });
});

describe('outcome hints', () => {
  it.each([
    [{ runStatus: 'completed' as const }, 'done'],
    [{ runStatus: 'failed' as const }, 'abandoned'],
    [{ runStatus: 'cancelled' as const }, 'abandoned'],
    [{ copied: 2 }, 'done'],
    [{ closedAt: NOW }, undefined],
    [{}, undefined],
  ])('signals %j suggest %s', (signals, outcome) => {
    expect(suggestOutcome(task({ signals }))?.outcome).toBe(outcome);
  });

  it.each([
    ['marked already', task({ outcome: 'done', lastAt: NOW - IDLE_MS * 10 }), false],
    ['idle long enough', task({ lastAt: NOW - IDLE_MS }), true],
    ['still being worked on', task({ lastAt: NOW - 60_000 }), false],
    ['its tab was closed', task({ lastAt: NOW - 60_000, signals: { closedAt: NOW - 30_000 } }), true],
    ['its agent finished', task({ lastAt: NOW - 1000, signals: { runStatus: 'completed' } }), true],
    ['its agent is running', task({ lastAt: NOW - 60_000, signals: { runStatus: 'running' } }), false],
    ['a manual task still going', task({ kind: 'manual', lastAt: NOW - IDLE_MS * 4 }), false],
    ['a manual task the user ended', task({ kind: 'manual', endedAt: NOW - 1000, lastAt: NOW - 2000 }), true],
    ['nothing spent yet', task({ turns: 0, lastAt: NOW - IDLE_MS * 4 }), false],
  ])('%s → needs an outcome: %s', (_, t, expected) => {
    expect(needsOutcome(t, NOW)).toBe(expected);
  });
});

describe('summariseOutcomes', () => {
  const range = windowRange('week', NOW);

  it('tokens per completed task counts done tasks only; none done is null, never 0 or infinity', () => {
    const s = summariseOutcomes(
      [
        task({ outcome: 'done', tokens: 1000, costUsd: 0.5 }),
        task({ outcome: 'done', tokens: 3000, costUsd: 1.5 }),
        task({ outcome: 'partial', tokens: 50_000 }),
        task({ tokens: 7, day: '2026-11-20' }), // last week: outside the range
      ],
      [],
      range,
      NOW,
    );
    expect(s.tasks).toEqual({ total: 3, done: 2, partial: 1, abandoned: 0, open: 0 });
    expect(s.tokensPerDone).toBe(2000);
    expect(s.costPerDone).toBe(1);
    expect(summariseOutcomes([task({ outcome: 'abandoned' })], [], range, NOW).tokensPerDone).toBeNull();
  });

  it('cost per completed task is unknown when a done task had unpriced tokens', () => {
    const s = summariseOutcomes([task({ outcome: 'done', costUsd: 1, unpricedTokens: 10 })], [], range, NOW);
    expect(s.costPerDone).toBeNull();
  });

  it('tokens and cost come from the daily rollups, exact apart from estimated', () => {
    const s = summariseOutcomes(
      [],
      [
        daily('2026-11-24', 'exact', 100, 0.25),
        daily('2026-11-24', 'estimated', 40),
        daily('2026-11-25', 'tokenized', 10),
        daily('2026-11-01', 'exact', 999, 9),
      ],
      range,
      NOW,
    );
    expect(s.tokens).toEqual({ exact: 100, tokenized: 10, estimated: 40, total: 150 });
    expect(s.costUsd).toBe(0.25);
    expect(s.unpricedTokens).toBe(50);
  });

  it('spend that led nowhere: each task under one reason, retries and background calls of the rest', () => {
    const s = summariseOutcomes(
      [
        task({ outcome: 'abandoned', tokens: 100, retryTokens: 50, backgroundTokens: 20 }),
        task({ tokens: 200, lastAt: NOW - UNFINISHED_MS, day: '2026-11-23' }),
        task({ tokens: 300, kind: 'agent', signals: { runStatus: 'running' }, lastAt: NOW - 3 * 3_600_000 }),
        task({ outcome: 'done', tokens: 1000, retryTokens: 400, backgroundTokens: 30 }),
      ],
      [],
      range,
      NOW,
    );
    expect(s.waste).toEqual({
      abandoned: 100,
      unfinished: 200,
      unattended: 300,
      retries: 400,
      background: 30,
      total: 1030,
    });
  });

  it('counts the tasks ready to be marked', () => {
    const s = summariseOutcomes(
      [task({ lastAt: NOW - IDLE_MS }), task({ lastAt: NOW - 1000 }), task({ outcome: 'done' })],
      [],
      range,
      NOW,
    );
    expect(s.needOutcome).toBe(1);
  });
});

describe('the trend against the person’s own past weeks', () => {
  it('puts each completed task in the week of its last activity, oldest week first', () => {
    const points = weeklyTokensPerDone(
      [
        task({ outcome: 'done', tokens: 1000, day: '2026-11-25' }),
        task({ outcome: 'done', tokens: 3000, day: '2026-11-23' }),
        task({ outcome: 'done', tokens: 500, day: '2026-11-22' }), // Sunday: the week before
        task({ outcome: 'abandoned', tokens: 9999, day: '2026-11-24' }),
      ],
      3,
      NOW,
    );
    expect(points).toEqual([
      { week: '2026-11-09', done: 0, tokensPerDone: null },
      { week: '2026-11-16', done: 1, tokensPerDone: 500 },
      { week: '2026-11-23', done: 2, tokensPerDone: 2000 },
    ]);
  });

  it.each([
    [[1000, 2000, 3000, 1000], 0.5], // median of the past weeks is 2000
    [[null, 1000, null, 1500], 1.5],
    [[1000, 2000, null], null], // nothing done this week
    [[null, null, 800], null], // no past to compare with
  ])('weeks %j → ratio %s', (values, expected) => {
    const points = values.map((v, i) => ({ week: `w${i}`, done: v === null ? 0 : 1, tokensPerDone: v }));
    expect(trendAgainstOwnPast(points)).toBe(expected);
  });
});

describe('growing context', () => {
  it.each([
    [{ turns: 12, backgroundTurns: 0, maxInputTokens: 45_000 }, true],
    [{ turns: 12, backgroundTurns: 6, maxInputTokens: 45_000 }, false], // only 6 turns of the user's own
    [{ turns: 20, backgroundTurns: 0, maxInputTokens: 8_000 }, false], // long, but small
    [{ turns: 3, backgroundTurns: 0, maxInputTokens: 90_000 }, false], // one big paste, not a growing thread
    [{ turns: 9, backgroundTurns: 0 }, false], // rows from before the figure was kept
  ])('%j → flagged: %s', (c, flagged) => {
    expect(growingContexts([{ id: 'c', ...c }]).length > 0).toBe(flagged);
  });
});
