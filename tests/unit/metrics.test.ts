import { describe, expect, it } from 'vitest';
import { healthOf, summariseRuns, summariseUsage } from '@/utils/metrics';
import type { DailyTotal, Turn } from '@/utils/records';

const A = 'https://ai.acme.example';
const B = 'http://127.0.0.1:5566';
const row = (day: string, site: string, source: DailyTotal['source'], i: number, o: number, turns = 1): DailyTotal => ({
  id: `${day}|${site}|${source}`,
  day,
  site,
  source,
  inputTokens: i,
  outputTokens: o,
  turns,
});
const DAYS = ['2026-11-19', '2026-11-20', '2026-11-21', '2026-11-22', '2026-11-23', '2026-11-24', '2026-11-25'];

describe('summariseUsage', () => {
  it('splits today and the week by provenance, and never mixes estimates into exact', () => {
    const s = summariseUsage(
      [
        row('2026-11-25', A, 'exact', 100, 200),
        row('2026-11-25', A, 'estimated', 10, 20),
        row('2026-11-20', A, 'exact', 1000, 0),
        row('2026-11-25', B, 'tokenized', 5, 5),
        row('2026-11-01', A, 'exact', 99999, 0), // outside the window
      ],
      DAYS,
    );
    expect(s.today).toEqual({ exact: 300, tokenized: 10, estimated: 30 });
    expect(s.week).toEqual({ exact: 1300, tokenized: 10, estimated: 30 });
    expect(s.series.exact).toEqual([0, 1000, 0, 0, 0, 0, 300]);
    expect(s.series.estimated).toEqual([0, 0, 0, 0, 0, 0, 30]);
    expect(s.bySite.map((x) => x.site)).toEqual([A, B]); // biggest first
    expect(s.bySite[0]!.today).toEqual({ exact: 300, tokenized: 0, estimated: 30 });
  });

  it('leaves out sites whose rollups were emptied (turns moved away)', () => {
    const s = summariseUsage([row('2026-11-25', A, 'estimated', 0, 0, 0)], DAYS);
    expect(s.bySite).toEqual([]);
  });
});

describe('healthOf', () => {
  it.each([
    [undefined, 'waiting'],
    [{ site: A, unrecognised: 0, rejected: 0 }, 'waiting'],
    [{ site: A, unrecognised: 0, rejected: 0, lastRecognisedAt: 5 }, 'ok'],
    [{ site: A, unrecognised: 3, rejected: 0, lastRecognisedAt: 5, lastUnrecognisedAt: 9 }, 'unrecognised'],
    [{ site: A, unrecognised: 3, rejected: 0, lastRecognisedAt: 10, lastUnrecognisedAt: 9 }, 'ok'],
  ])('%o → %s', (h, kind) => {
    expect(healthOf(h).kind).toBe(kind);
  });
});

describe('summariseRuns', () => {
  const turn = (over: Partial<Turn>): Turn => ({
    id: Math.random().toString(36),
    site: A,
    day: '2026-11-25',
    at: 1000,
    format: 'usage-json',
    transport: 'fetch',
    inputTokens: 0,
    outputTokens: 0,
    source: 'exact',
    status: 'complete',
    apiOrigin: A,
    ...over,
  });

  it('groups calls by run, adds their tokens and tool calls, and keeps the latest status', () => {
    const runs = summariseRuns([
      turn({
        runId: 'job_1',
        at: 1,
        inputTokens: 100,
        outputTokens: 10,
        runStatus: 'running',
        toolCalls: { 'email.move': 2 },
      }),
      turn({
        runId: 'job_1',
        at: 5,
        inputTokens: 50,
        outputTokens: 5,
        runStatus: 'completed',
        runName: 'Triage inbox',
        toolCalls: { 'email.move': 9, 'email.label': 1 },
      }),
      turn({ runId: 'job_2', at: 3, inputTokens: 7, outputTokens: 3, runStatus: 'failed', source: 'estimated' }),
      turn({ at: 9, inputTokens: 999 }), // not part of any run
    ]);
    expect(runs).toEqual([
      {
        site: A,
        runId: 'job_1',
        name: 'Triage inbox',
        status: 'completed',
        tokens: 165,
        source: 'exact',
        calls: 2,
        lastAt: 5,
        tools: [
          ['email.move', 11],
          ['email.label', 1],
        ],
      },
      { site: A, runId: 'job_2', status: 'failed', tokens: 10, source: 'estimated', calls: 1, lastAt: 3, tools: [] },
    ]);
  });
});
