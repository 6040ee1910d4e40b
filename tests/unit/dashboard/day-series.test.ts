import { describe, expect, it } from 'vitest';
import { bucketFor, daySeries, type Bucket } from '@/entrypoints/dashboard/day-series';
import { ALL_FROM } from '@/entrypoints/dashboard/ranges';
import { summariseOutcomes } from '@/utils/task-metrics';
import { daily, NOW, task } from './fixtures';

describe('bucketFor', () => {
  it.each<[number, Bucket]>([
    [1, 'day'],
    [30, 'day'],
    [90, 'day'],
    [92, 'day'],
    [93, 'week'],
    [366, 'week'],
    [731, 'week'],
    [732, 'month'],
  ])('%d days → %s', (days, bucket) => expect(bucketFor(days)).toBe(bucket));
});

describe('daySeries', () => {
  it('has one slot per day of a short range, tokens by provenance and tasks done by their day', () => {
    const range = { from: '2026-11-23', to: '2026-11-25' };
    const s = daySeries(
      [
        daily('2026-11-23', 'exact', 100),
        daily('2026-11-23', 'estimated', 7),
        daily('2026-11-25', 'tokenized', 30),
        daily('2026-11-22', 'exact', 999), // before the range
      ],
      [
        task({ day: '2026-11-23', outcome: 'done' }),
        task({ day: '2026-11-25', outcome: 'done' }),
        task({ day: '2026-11-25', outcome: 'done' }),
        task({ day: '2026-11-25', outcome: 'partial' }), // not done
        task({ day: '2026-11-24', outcome: 'done', turns: 0 }), // nothing to count
        task({ day: '2026-11-20', outcome: 'done' }), // before the range
      ],
      range,
    );
    expect(s).toEqual({
      bucket: 'day',
      starts: ['2026-11-23', '2026-11-24', '2026-11-25'],
      exact: [100, 0, 0],
      tokenized: [0, 0, 30],
      estimated: [7, 0, 0],
      done: [1, 0, 2],
    });
  });

  it('agrees with the headline: the line adds up to the tasks done in the range', () => {
    const range = { from: '2026-10-27', to: '2026-11-25' };
    const tasks = Array.from({ length: 40 }, (_, i) =>
      task({ day: `2026-11-${String((i % 25) + 1).padStart(2, '0')}`, outcome: i % 3 ? 'done' : undefined }),
    );
    const s = daySeries([], tasks, range);
    expect(s.done.reduce((a, b) => a + b, 0)).toBe(summariseOutcomes(tasks, [], range, NOW).tasks.done);
  });

  it('counts every day once across a DST change', () => {
    const s = daySeries([], [], { from: '2026-10-24', to: '2026-10-27' });
    expect(s.starts).toEqual(['2026-10-24', '2026-10-25', '2026-10-26', '2026-10-27']);
  });

  it('groups a year into weeks starting on Mondays', () => {
    const s = daySeries(
      [daily('2026-01-01', 'exact', 10), daily('2026-01-04', 'exact', 5), daily('2026-01-05', 'exact', 1)],
      [],
      { from: '2026-01-01', to: '2026-11-25' },
    );
    expect(s.bucket).toBe('week');
    expect(s.starts[0]).toBe('2025-12-29'); // the Monday of 1 January's week
    expect(s.starts[1]).toBe('2026-01-05');
    expect(s.starts[s.starts.length - 1]).toBe('2026-11-23');
    expect(s.exact.slice(0, 2)).toEqual([15, 1]);
  });

  it('"All" starts at the first day with data, and goes to months when that is long ago', () => {
    const s = daySeries([daily('2023-06-15', 'exact', 3), daily('2026-11-25', 'exact', 4)], [], {
      from: ALL_FROM,
      to: '2026-11-25',
    });
    expect(s.bucket).toBe('month');
    expect(s.starts[0]).toBe('2023-06-01');
    expect(s.starts[s.starts.length - 1]).toBe('2026-11-01');
    expect(s.exact[0]).toBe(3);
    expect(s.exact[s.exact.length - 1]).toBe(4);
  });

  it('"All" with no history at all is just today', () => {
    expect(daySeries([], [], { from: ALL_FROM, to: '2026-11-25' }).starts).toEqual(['2026-11-25']);
  });
});
