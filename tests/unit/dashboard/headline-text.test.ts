import { describe, expect, it } from 'vitest';
import { describeTrend, percentOf, WASTE_REASONS } from '@/entrypoints/dashboard/headline-text';

describe('describeTrend', () => {
  it.each<[number | null, string | undefined]>([
    [0.78, '22% fewer tokens per completed task than your usual week'],
    [1.5, '50% more tokens per completed task than your usual week'],
    [1.04, 'About as many tokens per completed task as your usual week'],
    [0.96, 'About as many tokens per completed task as your usual week'],
    [1, 'About as many tokens per completed task as your usual week'],
    [3, '200% more tokens per completed task than your usual week'],
    [null, undefined],
    [Number.NaN, undefined],
    [Number.POSITIVE_INFINITY, undefined],
    [0, undefined],
  ])('%s → %j', (ratio, words) => {
    expect(describeTrend(ratio)).toBe(words);
  });

  it('never calls a change good or bad', () => {
    for (const r of [0.1, 0.5, 0.9, 1.2, 2, 10]) {
      expect(describeTrend(r)).not.toMatch(/better|worse|good|bad|great|improv/i);
    }
  });
});

describe('percentOf', () => {
  it.each<[number, number, string]>([
    [25, 100, '25%'],
    [1, 1000, '<1%'], // a real amount never reads as nothing
    [0, 100, '0%'],
    [5, 0, '0%'],
    [100, 100, '100%'],
  ])('%d of %d → %s', (part, total, pct) => expect(percentOf(part, total)).toBe(pct));
});

describe('WASTE_REASONS', () => {
  it('names every reason summariseOutcomes gives, once', () => {
    expect(WASTE_REASONS.map((r) => r.key).sort()).toEqual(
      ['abandoned', 'background', 'retries', 'unattended', 'unfinished'].sort(),
    );
  });
});
