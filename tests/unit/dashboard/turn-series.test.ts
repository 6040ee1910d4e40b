import { describe, expect, it } from 'vitest';
import { cumulativeTokens } from '@/entrypoints/dashboard/turn-series';
import { NOW, turn } from './fixtures';

describe('cumulativeTokens', () => {
  it('keeps running totals of own turns and hidden calls apart, in time order', () => {
    const s = cumulativeTokens([
      turn({ at: NOW + 2000, inputTokens: 10, outputTokens: 0, background: true }),
      turn({ at: NOW, inputTokens: 100, outputTokens: 50 }),
      turn({ at: NOW + 1000, inputTokens: 200, outputTokens: 0 }),
    ]);
    expect(s).toEqual({ at: [NOW, NOW + 1000, NOW + 2000], own: [150, 350, 350], hidden: [0, 0, 10] });
  });

  it('is empty for no turns', () => {
    expect(cumulativeTokens([])).toEqual({ at: [], own: [], hidden: [] });
  });

  it.each([
    [1000, 120],
    [121, 120],
    [5000, 40],
  ])('thins %d turns to %d points, keeping the first and the final total', (count, max) => {
    const turns = Array.from({ length: count }, (_, i) =>
      turn({ at: NOW + i * 1000, inputTokens: 1, outputTokens: 0, background: i % 3 === 0 }),
    );
    const s = cumulativeTokens(turns, max);
    expect(s.at).toHaveLength(max);
    expect(s.at[0]).toBe(NOW);
    expect(s.at[max - 1]).toBe(NOW + (count - 1) * 1000);
    expect(s.own[max - 1]! + s.hidden[max - 1]!).toBe(count);
    // Running totals never go down, thinned or not.
    for (let i = 1; i < max; i++)
      expect(s.own[i]! + s.hidden[i]!).toBeGreaterThanOrEqual(s.own[i - 1]! + s.hidden[i - 1]!);
  });

  it('leaves short series as they are', () => {
    const turns = Array.from({ length: 10 }, (_, i) => turn({ at: NOW + i }));
    expect(cumulativeTokens(turns, 120).at).toHaveLength(10);
  });
});
