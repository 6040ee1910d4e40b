import { describe, expect, it } from 'vitest';
import {
  countByOutcome,
  filterRows,
  haystackOf,
  mergePlan,
  nextSort,
  sortRows,
  titleOf,
  toRows,
  type OutcomeFilter,
  type Sort,
  type SortKey,
} from '@/entrypoints/dashboard/task-rows';
import { IDLE_MS } from '@/utils/task-metrics';
import { HOUR, NOW, SITE_A, SITE_B, task } from './fixtures';

const RANGE = { from: '2026-11-20', to: '2026-11-25' };

describe('titleOf', () => {
  it('uses the task’s own title', () => {
    expect(titleOf(task({ title: '  Fix login bug ' }))).toEqual({ title: 'Fix login bug', untitled: false });
  });

  it.each([
    [{ title: undefined }, 'chat.acme.example · '],
    [{ title: '   ' }, 'chat.acme.example · '],
    [{ title: undefined, site: SITE_B }, 'localhost:8080 · '],
    [{ title: undefined, site: undefined }, 'Untitled task · '],
  ])('falls back to the site and date for %j', (over, prefix) => {
    const t = titleOf(task({ ...over, createdAt: new Date(2026, 10, 3, 9).getTime() }));
    expect(t.untitled).toBe(true);
    expect(t.title.startsWith(prefix)).toBe(true);
    expect(t.title).toMatch(/3/); // the day of the month, in whatever locale
  });
});

describe('toRows', () => {
  it('keeps tasks last active in the range that have turns', () => {
    const inside = task({ day: '2026-11-20' });
    const rows = toRows(
      [inside, task({ day: '2026-11-19' }), task({ day: '2026-11-26' }), task({ turns: 0, kind: 'manual' })],
      RANGE,
    );
    expect(rows.map((r) => r.task)).toEqual([inside]);
  });

  it.each([
    [1000, 1000, false],
    [1000, 999, true], // one estimated token is enough to say so
    [1000, 0, true],
  ])('%d tokens, %d exact → estimated %s', (tokens, exactTokens, estimated) => {
    const [row] = toRows([task({ tokens, exactTokens })], RANGE);
    expect(row).toMatchObject({ tokens, estimated });
  });

  it('puts title, site and note in the search text', () => {
    const [row] = toRows([task({ title: 'Quarterly Report', site: SITE_B, note: 'Sent to Ana' })], RANGE);
    expect(haystackOf(row!)).toContain('quarterly report');
    expect(haystackOf(row!)).toContain('localhost:8080');
    expect(haystackOf(row!)).toContain('sent to ana');
    expect(row!.siteName).toBe('localhost:8080');
  });
});

describe('filterRows', () => {
  const rows = toRows(
    [
      task({ id: 'a', title: 'Quarterly report draft', outcome: 'done', lastAt: NOW - 5 * HOUR }),
      task({ id: 'b', title: 'Fix flaky test', site: SITE_B, outcome: 'partial', note: 'CI still red' }),
      task({ id: 'c', title: 'Report template', outcome: 'abandoned' }),
      task({ id: 'd', title: 'Explore API', lastAt: NOW - IDLE_MS - 1 }), // open, idle: needs an outcome
      task({ id: 'e', title: 'Just now', lastAt: NOW - 1000 }), // open, still going
    ],
    RANGE,
  );
  const ids = (q: string, f: OutcomeFilter) => filterRows(rows, q, f, NOW).map((r) => r.task.id);

  it.each<[string, OutcomeFilter, string[]]>([
    ['', 'all', ['a', 'b', 'c', 'd', 'e']],
    ['report', 'all', ['a', 'c']],
    ['REPORT draft', 'all', ['a']], // every word, any case
    ['draft report', 'all', ['a']], // in any order
    ['localhost', 'all', ['b']], // the site
    ['ci still', 'all', ['b']], // the note
    ['   ', 'all', ['a', 'b', 'c', 'd', 'e']],
    ['nothing like this', 'all', []],
    ['', 'done', ['a']],
    ['', 'partial', ['b']],
    ['', 'abandoned', ['c']],
    ['', 'open', ['d', 'e']],
    ['', 'needs', ['d']],
    ['report', 'done', ['a']],
    ['report', 'open', []],
  ])('%j with %s', (q, f, expected) => {
    expect(ids(q, f)).toEqual(expected);
  });

  it('counts what each filter would show', () => {
    expect(countByOutcome(rows, NOW)).toEqual({ all: 5, needs: 1, done: 1, partial: 1, abandoned: 1, open: 2 });
  });
});

describe('sortRows', () => {
  const rows = toRows(
    [
      task({ id: 'x', title: 'beta', site: SITE_B, kind: 'agent', lastAt: NOW - 3 * HOUR, tokens: 500, costUsd: 0.5 }),
      task({
        id: 'y',
        title: 'Alpha',
        kind: 'manual',
        lastAt: NOW - 1 * HOUR,
        tokens: 3000,
        costUsd: 0.1,
        outcome: 'done',
      }),
      task({ id: 'z', title: 'gamma 10', lastAt: NOW - 2 * HOUR, tokens: 2000, costUsd: 2, outcome: 'abandoned' }),
    ],
    RANGE,
  );
  it.each<[SortKey, string[]]>([
    ['title', ['y', 'x', 'z']], // case-insensitive
    ['site', ['y', 'z', 'x']], // chat.acme… before localhost; ties newest first
    ['kind', ['z', 'x', 'y']], // chat, agent, manual
    ['lastAt', ['x', 'z', 'y']],
    ['tokens', ['x', 'z', 'y']],
    ['cost', ['y', 'x', 'z']],
    ['outcome', ['y', 'z', 'x']], // done, partial, abandoned, open
  ])('by %s', (key, ascending) => {
    expect(sortRows(rows, { key, dir: 'asc' }).map((r) => r.task.id)).toEqual(ascending);
    expect(sortRows(rows, { key, dir: 'desc' }).map((r) => r.task.id)).toEqual(
      key === 'site' ? ['x', 'y', 'z'] : [...ascending].reverse(),
    );
  });

  it('does not reorder its input', () => {
    const before = rows.map((r) => r.task.id);
    sortRows(rows, { key: 'tokens', dir: 'desc' });
    expect(rows.map((r) => r.task.id)).toEqual(before);
  });

  it('breaks ties newest first, whatever order the rows came in', () => {
    const same = toRows(
      [1, 3, 2].map((h) => task({ id: `t${h}`, title: 'Same', lastAt: NOW - h * HOUR })),
      RANGE,
    );
    expect(sortRows(same, { key: 'title', dir: 'asc' }).map((r) => r.task.id)).toEqual(['t1', 't2', 't3']);
  });
});

describe('nextSort', () => {
  it.each<[Sort, SortKey, Sort]>([
    [{ key: 'lastAt', dir: 'desc' }, 'lastAt', { key: 'lastAt', dir: 'asc' }],
    [{ key: 'lastAt', dir: 'asc' }, 'lastAt', { key: 'lastAt', dir: 'desc' }],
    [{ key: 'lastAt', dir: 'desc' }, 'tokens', { key: 'tokens', dir: 'desc' }], // biggest first
    [{ key: 'tokens', dir: 'desc' }, 'title', { key: 'title', dir: 'asc' }], // A to Z
  ])('%j, click %s → %j', (from, key, to) => expect(nextSort(from, key)).toEqual(to));
});

describe('mergePlan', () => {
  it('merges into the most recently active task', () => {
    const a = task({ id: 'a', lastAt: NOW - 3 * HOUR });
    const b = task({ id: 'b', lastAt: NOW - 1 * HOUR });
    const c = task({ id: 'c', lastAt: NOW - 2 * HOUR });
    expect(mergePlan([a, b, c])).toEqual({ into: 'b', from: ['c', 'a'] });
  });

  it.each([[[]], [[task({ id: 'only' })]]])('needs two or more: %#', (selected) => {
    expect(mergePlan(selected)).toBeUndefined();
  });
});

// The range filter and the search must not be the bottleneck of a big year.
describe('at scale', () => {
  it('builds, filters and sorts 20,000 rows quickly', () => {
    const many = Array.from({ length: 20_000 }, (_, i) =>
      task({ id: `t${i}`, title: i % 7 ? `Task ${i}` : undefined, site: i % 2 ? SITE_A : SITE_B, lastAt: NOW - i }),
    );
    const t0 = performance.now();
    const rows = toRows(many, RANGE);
    const shown = sortRows(filterRows(rows, 'task 1', 'all', NOW), { key: 'tokens', dir: 'desc' });
    expect(rows).toHaveLength(20_000);
    expect(shown.length).toBeGreaterThan(0);
    expect(performance.now() - t0).toBeLessThan(400); // typically ~60 ms; per-row Intl objects took ~1 s
  });
});
