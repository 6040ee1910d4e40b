import { describe, expect, it } from 'vitest';
import { formatDay, formatMonth, formatWhen } from '@/entrypoints/dashboard/when';
import { NOW } from './fixtures';

describe('formatWhen', () => {
  it.each<[string, number, RegExp, RegExp | null]>([
    ['earlier today: the time', new Date(2026, 10, 25, 9, 5).getTime(), /09|9/, /Nov|2026/],
    ['yesterday: the date, no year', new Date(2026, 10, 24, 23, 59).getTime(), /24/, /2026|:/],
    ['January this year: no year', new Date(2026, 0, 2, 12).getTime(), /2/, /2026/],
    ['last year: with the year', new Date(2025, 11, 31, 12).getTime(), /2025/, null],
  ])('%s', (_, at, has, hasNot) => {
    const s = formatWhen(at, NOW);
    expect(s).toMatch(has);
    if (hasNot) expect(s).not.toMatch(hasNot);
  });
});

describe('formatDay and formatMonth', () => {
  it.each([
    ['2026-03-29', /29/], // the day European clocks go forward: still the 29th
    ['2026-10-25', /25/],
  ])('%s keeps its calendar day', (day, re) => expect(formatDay(day)).toMatch(re));

  it('names the month and year', () => expect(formatMonth('2026-11-01')).toMatch(/2026/));
});
