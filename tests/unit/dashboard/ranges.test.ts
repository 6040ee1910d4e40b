import { describe, expect, it } from 'vitest';
import { ALL_FROM, isRangeId, rangeOf, RANGE_IDS, type RangeId } from '@/entrypoints/dashboard/ranges';
import { NOW } from './fixtures';

describe('rangeOf', () => {
  it.each<[RangeId, number, string, string]>([
    ['today', NOW, '2026-11-25', '2026-11-25'],
    ['week', NOW, '2026-11-23', '2026-11-25'], // Monday to today
    ['30d', NOW, '2026-10-27', '2026-11-25'], // 30 days including today, across the clocks going back
    ['90d', NOW, '2026-08-28', '2026-11-25'],
    ['year', NOW, '2026-01-01', '2026-11-25'],
    ['all', NOW, ALL_FROM, '2026-11-25'],
    ['week', new Date(2026, 10, 29, 23, 30).getTime(), '2026-11-23', '2026-11-29'], // Sunday night
    ['year', new Date(2027, 0, 1, 0, 10).getTime(), '2027-01-01', '2027-01-01'], // just after midnight
    ['30d', new Date(2026, 2, 31, 9).getTime(), '2026-03-02', '2026-03-31'], // across the clocks going forward
  ])('%s at %s is %s … %s', (id, now, from, to) => {
    expect(rangeOf(id, now)).toEqual({ from, to });
  });

  it('"All" reaches before any real day, so it bounds an index read', () => {
    expect(ALL_FROM < '1970-01-01').toBe(true);
  });
});

describe('isRangeId', () => {
  it.each([...RANGE_IDS])('accepts %s', (id) => expect(isRangeId(id)).toBe(true));
  it.each(['', '7d', 'ALL', 'year ', 'toString'])('rejects %j', (id) => expect(isRangeId(id)).toBe(false));
});
