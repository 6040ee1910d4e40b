import { describe, expect, it } from 'vitest';
import {
  byKind,
  byModel,
  bySite,
  OTHER_KEY,
  topSlices,
  UNKNOWN_MODEL,
  type Slice,
} from '@/entrypoints/dashboard/breakdowns';
import { daily, SITE_A, SITE_B, task, turn } from './fixtures';

const RANGE = { from: '2026-11-20', to: '2026-11-25' };

describe('bySite', () => {
  it('sums each site’s rollups in the range, largest first, estimated kept apart', () => {
    const slices = bySite(
      [
        daily('2026-11-20', 'exact', 100, SITE_A, 0.5),
        daily('2026-11-21', 'estimated', 50, SITE_A),
        daily('2026-11-25', 'exact', 400, SITE_B, 1),
        daily('2026-11-25', 'tokenized', 20, SITE_B, 0.25),
        daily('2026-11-19', 'exact', 9999, SITE_A, 9), // before the range
        daily('2026-11-26', 'exact', 9999, SITE_B, 9), // after it
      ],
      RANGE,
    );
    expect(slices).toEqual([
      { key: SITE_B, label: 'localhost:8080', tokens: 420, estimated: 20, costUsd: 1.25, unpricedTokens: 0 },
      { key: SITE_A, label: 'chat.acme.example', tokens: 150, estimated: 50, costUsd: 0.5, unpricedTokens: 50 },
    ]);
  });

  it('is empty with nothing in the range', () => {
    expect(bySite([daily('2026-01-01', 'exact', 5)], RANGE)).toEqual([]);
  });
});

describe('byModel', () => {
  it('groups by model name; calls without one are kept together, not dropped', () => {
    const slices = byModel([
      turn({ model: 'gpt-4o', inputTokens: 100, outputTokens: 50, costUsd: 0.01 }),
      turn({ model: 'gpt-4o', inputTokens: 10, outputTokens: 0, source: 'estimated' }),
      turn({ model: 'claude-sonnet', inputTokens: 500, outputTokens: 500, costUsd: 0.2 }),
      turn({ model: undefined, inputTokens: 7, outputTokens: 3 }),
    ]);
    expect(slices.map((s) => [s.label, s.tokens, s.estimated, s.unpricedTokens])).toEqual([
      ['claude-sonnet', 1000, 0, 0],
      ['gpt-4o', 160, 10, 10],
      [UNKNOWN_MODEL, 10, 0, 10],
    ]);
    expect(slices[1]!.costUsd).toBeCloseTo(0.01);
  });
});

describe('byKind', () => {
  it('sums tasks of the range by kind, in a fixed order, leaving out kinds with nothing', () => {
    const slices = byKind(
      [
        task({ kind: 'agent', tokens: 300, exactTokens: 200 }),
        task({ kind: 'chat', tokens: 100 }),
        task({ kind: 'agent', tokens: 100 }),
        task({ kind: 'manual', tokens: 50, day: '2026-11-01' }), // outside the range
      ],
      RANGE,
    );
    expect(slices.map((s) => [s.key, s.tokens, s.estimated])).toEqual([
      ['chat', 100, 0],
      ['agent', 400, 100],
    ]);
  });
});

describe('topSlices', () => {
  const s = (key: string, tokens: number): Slice => ({
    key,
    label: key,
    tokens,
    estimated: 1,
    costUsd: 0.5,
    unpricedTokens: 2,
  });
  const many = [s('a', 50), s('b', 40), s('c', 30), s('d', 20), s('e', 10)];

  it.each([
    [5, ['a', 'b', 'c', 'd', 'e']],
    [9, ['a', 'b', 'c', 'd', 'e']],
    [3, ['a', 'b', OTHER_KEY]],
  ])('top %d', (n, keys) => {
    const top = topSlices(many, n);
    expect(top.map((x) => x.key)).toEqual(keys);
    // Nothing is lost to "others".
    const sum = (xs: Slice[], k: keyof Slice) => xs.reduce((a, x) => a + (x[k] as number), 0);
    for (const k of ['tokens', 'estimated', 'costUsd', 'unpricedTokens'] as const) {
      expect(sum(top, k)).toBeCloseTo(sum(many, k));
    }
  });

  it('names how many were summed', () => {
    expect(topSlices(many, 2)[1]!.label).toBe('4 others');
  });
});
