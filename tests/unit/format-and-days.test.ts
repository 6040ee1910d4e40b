import { describe, expect, it } from 'vitest';
import { formatTokens, formatTokensShort } from '@/utils/format';
import { dayOf, lastDays } from '@/utils/day';

describe('formatTokensShort (badge, ≤ 4 characters)', () => {
  it.each([
    [0, '0'],
    [999, '999'],
    [1000, '1k'],
    [1250, '1.3k'],
    [12_345, '12k'],
    [999_499, '999k'],
    [1_234_567, '1.2M'],
    [45_000_000, '45M'],
    [2_000_000_000, '2B'],
  ])('%d → %s', (n, s) => {
    expect(formatTokensShort(n)).toBe(s);
    expect(formatTokensShort(n).length).toBeLessThanOrEqual(4);
  });
});

describe('formatTokens', () => {
  it('marks estimates with ≈', () => {
    expect(formatTokens(12345)).toBe('12,345');
    expect(formatTokens(12345, true)).toBe('≈12,345');
  });
});

describe('days', () => {
  it('uses the local calendar day', () => {
    expect(dayOf(new Date(2026, 0, 5, 23, 59))).toBe('2026-01-05');
  });
  it('lists the last n days oldest first, across a month end', () => {
    expect(lastDays(3, new Date(2026, 2, 1, 8))).toEqual(['2026-02-27', '2026-02-28', '2026-03-01']);
  });
});
