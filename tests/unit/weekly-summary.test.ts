/**
 * The weekly summary file, table-driven: which local days make the week (Task.day is already a local day, so
 * fixtures use day strings rather than a stubbed time zone; the suite runs in Europe/Berlin anyway), what is
 * listed as completed or abandoned and their totals, tokens per completed task, wording when nothing was
 * completed, estimates marked ≈, costs only when known, and titles that cannot break out of the Markdown.
 */
import { describe, expect, it } from 'vitest';
import { type DailyTotal, type Task } from '@/utils/records';
import { emptyRollup } from '@/utils/task-rollups';
import {
  escapeMarkdown,
  formatUsdCents,
  weekDays,
  weeklyChartFileName,
  weeklyChartSeries,
  weeklySummaryFileName,
  weeklySummaryMarkdown,
  type WeeklySummaryInput,
} from '@/utils/weekly-summary';

const WEEK = '2026-11-23'; // Monday 23 Nov 2026
const at = (day: string, h: number, m = 0) => {
  const [y, mo, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(y, mo - 1, d, h, m).getTime();
};
/** Two weeks after the week: its tasks without an outcome count as never finished. */
const LATER = at('2026-12-09', 10);
/** Inside the week: nothing is old enough to count as never finished. */
const DURING = at('2026-11-25', 15);

let seq = 0;
function task(over: Partial<Task> & { tokens?: number } = {}): Task {
  const { tokens = 1000, ...rest } = over;
  const day = rest.day ?? '2026-11-25';
  return {
    id: `t|${++seq}`,
    kind: 'chat',
    site: 'https://assist.acme.test',
    title: `Task ${seq}`,
    createdAt: at(day, 9),
    lastAt: at(day, 10),
    day,
    conversations: 1,
    signals: {},
    ...emptyRollup(),
    inputTokens: tokens / 2,
    outputTokens: tokens / 2,
    exactTokens: tokens,
    turns: 2,
    costUsd: tokens / 10_000,
    ...rest,
  };
}

function daily(day: string, source: DailyTotal['source'], tokens: number, costUsd?: number): DailyTotal {
  return {
    id: `${day}|https://assist.acme.test|${source}`,
    day,
    site: 'https://assist.acme.test',
    source,
    inputTokens: tokens,
    outputTokens: 0,
    turns: 1,
    ...(costUsd !== undefined ? { costUsd } : { unpricedTokens: tokens }),
  };
}

function md(over: Partial<WeeklySummaryInput> = {}): string {
  return weeklySummaryMarkdown({
    tasks: [],
    daily: [],
    weekStart: WEEK,
    now: LATER,
    pricesAsOf: '2026-09-23',
    ...over,
  });
}

/** The text under `## heading`, up to the next section. */
function section(text: string, heading: string): string {
  const start = text.indexOf(`\n## ${heading}\n`);
  expect(start, `section ${heading}`).toBeGreaterThanOrEqual(0);
  const rest = text.slice(start + heading.length + 5);
  const end = rest.indexOf('\n## ');
  return end === -1 ? rest : rest.slice(0, end);
}

/** The value cell of a summary table row. */
function summaryRow(text: string, label: string): string {
  const line = section(text, 'Summary')
    .split('\n')
    .find((l) => l.startsWith(`| ${label} |`));
  expect(line, `summary row ${label}`).toBeDefined();
  return line!.slice(label.length + 5, -2);
}

/** Titles (first cell) of a task table, in order. */
const titles = (text: string) =>
  text
    .split('\n')
    .filter((l) => l.startsWith('| ') && !l.startsWith('| Task |') && !l.startsWith('| ---'))
    .map((l) => l.split(' | ')[0]!.slice(2));

describe('file names', () => {
  it.each([
    [WEEK, 'tokenwise-week-2026-11-23.md', 'tokenwise-week-2026-11-23.png'],
    ['2026-11-26', 'tokenwise-week-2026-11-23.md', 'tokenwise-week-2026-11-23.png'], // any day names its week
    ['2027-01-01', 'tokenwise-week-2026-12-28.md', 'tokenwise-week-2026-12-28.png'],
  ])('the week of %s is saved as %s and %s', (day, mdName, pngName) => {
    expect(weeklySummaryFileName(day)).toBe(mdName);
    expect(weeklyChartFileName(day)).toBe(pngName);
  });
});

describe('the week is Monday to Sunday in local days', () => {
  it.each([
    [WEEK, 'Tokenwise — week of Mon 23 Nov to Sun 29 Nov 2026', '2026-11-29'],
    // European clocks go back on Sunday 25 Oct: that Sunday still ends its week, and the next starts on the 26th.
    ['2026-10-19', 'Tokenwise — week of Mon 19 Oct to Sun 25 Oct 2026', '2026-10-25'],
    ['2026-10-26', 'Tokenwise — week of Mon 26 Oct to Sun 1 Nov 2026', '2026-11-01'],
    ['2026-03-23', 'Tokenwise — week of Mon 23 Mar to Sun 29 Mar 2026', '2026-03-29'], // clocks go forward
    ['2026-12-28', 'Tokenwise — week of Mon 28 Dec to Sun 3 Jan 2027', '2027-01-03'], // across a year
  ])('week of %s: "%s"', (weekStart, heading, sunday) => {
    const days = weekDays(weekStart);
    expect(days).toHaveLength(7);
    expect(days[0]).toBe(weekStart);
    expect(days[6]).toBe(sunday);
    expect(new Set(days).size).toBe(7);
    const text = md({ weekStart });
    expect(text.split('\n')[0]).toBe(`# ${heading}`);
    const dayRows = section(text, 'Day by day')
      .split('\n')
      .filter((l) => /^\| (Mon|Tue|Wed|Thu|Fri|Sat|Sun) /.test(l))
      .map((l) => l.slice(2, 5));
    expect(dayRows).toEqual(['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun']);
  });

  it.each([
    ['Sunday 23:30 of the week', '2026-11-29', at('2026-11-29', 23, 30), true],
    ['Monday 00:10 of the week', '2026-11-23', at('2026-11-23', 0, 10), true],
    ['Monday 00:10 of the next week', '2026-11-30', at('2026-11-30', 0, 10), false],
    ['Sunday 23:30 of the week before', '2026-11-22', at('2026-11-22', 23, 30), false],
  ])('a task last active %s is in the week: %s', (_, day, lastAt, inWeek) => {
    const text = md({ tasks: [task({ title: 'Edge', day, lastAt, outcome: 'done' })] });
    expect(titles(section(text, 'Completed'))).toEqual(inWeek ? ['Edge'] : []);
    expect(summaryRow(text, 'Tasks completed')).toBe(inWeek ? '1' : '0');
  });

  it('places daily tokens and completed tasks on their own day', () => {
    const s = weeklyChartSeries(
      [
        daily('2026-11-23', 'exact', 100, 0.1),
        daily('2026-11-23', 'tokenized', 5),
        daily('2026-11-29', 'estimated', 7),
      ],
      [task({ day: '2026-11-29', outcome: 'done' }), task({ day: '2026-11-30', outcome: 'done' })],
      WEEK,
    );
    expect(s.labels).toEqual(['Mon 23', 'Tue 24', 'Wed 25', 'Thu 26', 'Fri 27', 'Sat 28', 'Sun 29']);
    expect(s.exact).toEqual([100, 0, 0, 0, 0, 0, 0]);
    expect(s.estimated).toEqual([5, 0, 0, 0, 0, 0, 7]);
    expect(s.completed).toEqual([0, 0, 0, 0, 0, 0, 1]);
  });
});

describe('what the person got done', () => {
  const tasks = [
    task({ title: 'Small', tokens: 1000, outcome: 'done' }),
    task({ title: 'Big', tokens: 3000, outcome: 'done' }),
    task({ title: 'Middle', tokens: 2000, outcome: 'done', day: '2026-11-27' }),
    task({ title: 'Half', tokens: 4000, outcome: 'partial' }),
    task({ title: 'Dropped', tokens: 5000, outcome: 'abandoned', retryTokens: 100 }),
    task({ title: 'Forgotten', tokens: 700 }),
    task({ title: 'Empty', tokens: 0, turns: 0, outcome: 'done' }), // nothing spent: not a task yet
  ];
  const text = md({ tasks });

  it('lists completed tasks by tokens, with their total', () => {
    const s = section(text, 'Completed');
    expect(titles(s)).toEqual(['Big', 'Middle', 'Small']);
    expect(s).toContain('3 tasks, 6,000 tokens in all, API-equivalent cost $0.60.');
    expect(s).toContain('| Big | Wed 25 Nov | 3,000 | $0.30 |');
  });

  it('lists what was abandoned or never finished, with the tokens they took', () => {
    const s = section(text, 'Abandoned or never finished');
    expect(titles(s)).toEqual(['Dropped', 'Forgotten']);
    expect(s).toContain('2 tasks, 5,700 tokens in all, API-equivalent cost $0.57.');
    expect(s).toContain('| Dropped | abandoned | Wed 25 Nov | 5,000 | $0.50 |');
    expect(s).toContain('| Forgotten | never finished | Wed 25 Nov | 700 | $0.07 |');
  });

  it.each([
    ['Tasks completed', '3'],
    ['Tasks partly done', '1'],
    ['Tasks abandoned', '1'],
    ['Tasks still open (no outcome marked)', '1'],
    ['Tokens per completed task', '2,000'],
    ['Cost per completed task', '$0.20'],
  ])('summary: %s is %s', (label, value) => {
    expect(summaryRow(text, label)).toBe(value);
  });

  it('breaks down spend that led nowhere by reason', () => {
    const s = section(text, 'Spend that led nowhere');
    expect(s).toContain('| Abandoned tasks | 5,000 |');
    expect(s).toContain('| Never finished (no outcome a week after the last activity) | 700 |');
    expect(s).toContain('| In all | 5,700 |'); // the retry inside the abandoned task is not counted twice
  });

  it('does not call a task never finished while the week is still young', () => {
    const during = md({ tasks, now: DURING });
    const nowhere = section(during, 'Abandoned or never finished');
    expect(titles(nowhere)).toEqual(['Dropped']);
    expect(nowhere).not.toContain('"Never finished"'); // the note only explains a word that is used
    expect(during).toContain('_The week is still in progress: figures run to Wed 25 Nov._');
    expect(text).not.toContain('still in progress');
  });

  it('names the top 20 and sums up the rest', () => {
    const many = Array.from({ length: 23 }, (_, i) => task({ title: `T${i}`, tokens: 1000 + i * 10, outcome: 'done' }));
    const s = section(md({ tasks: many }), 'Completed');
    expect(titles(s)).toHaveLength(20);
    expect(titles(s)[0]).toBe('T22');
    expect(s).toContain('…and 3 more (3,030 tokens between them).'); // T0, T1, T2
  });

  it.each([
    ['nothing at all', []],
    ['only abandoned and open work', [task({ outcome: 'abandoned' }), task({ outcome: 'partial' })]],
  ])('says "none completed" rather than dividing by zero: %s', (_, list) => {
    const t = md({ tasks: list });
    expect(summaryRow(t, 'Tokens per completed task')).toBe('— (none completed this week)');
    expect(summaryRow(t, 'Cost per completed task')).toBe('— (none completed this week)');
    expect(summaryRow(t, 'Compared with your own previous weeks')).toBe('No comparison (none completed this week)');
    expect(section(t, 'Completed').trim()).toBe('None completed this week.');
    expect(t).not.toMatch(/NaN|Infinity|undefined|null/);
  });
});

describe('compared only with the person’s own previous weeks', () => {
  const done = (day: string, tokens: number) => task({ day, tokens, outcome: 'done' });
  it.each([
    ['no history', [done('2026-11-25', 1000)], 'No comparison yet (no completed tasks in the previous 8 weeks)'],
    [
      'fewer than usual',
      [done('2026-11-25', 1000), done('2026-11-18', 2000), done('2026-11-04', 2000)],
      '50% fewer tokens per completed task than your usual week (median of 2 earlier weeks with completed tasks)',
    ],
    [
      'more than usual',
      [done('2026-11-25', 3000), done('2026-11-16', 2000)],
      '50% more tokens per completed task than your usual week (median of 1 earlier week with completed tasks)',
    ],
    [
      'about the same',
      [done('2026-11-25', 1020), done('2026-11-16', 1000)],
      'About the same tokens per completed task as your usual week (median of 1 earlier week with completed tasks)',
    ],
    [
      'older than 8 weeks is not compared',
      [done('2026-11-25', 1000), done('2026-09-21', 2000)],
      'No comparison yet (no completed tasks in the previous 8 weeks)',
    ],
  ])('%s', (_, tasks, words) => {
    expect(summaryRow(md({ tasks }), 'Compared with your own previous weeks')).toBe(words);
  });

  it('lists only the week’s own tasks, however many earlier ones are given for the comparison', () => {
    const text = md({ tasks: [done('2026-11-25', 1000), done('2026-11-18', 2000)] });
    expect(titles(section(text, 'Completed'))).toHaveLength(1);
  });
});

describe('estimates and costs are never passed off as exact', () => {
  it('keeps counted and estimated tokens apart and marks estimates ≈', () => {
    const text = md({
      daily: [daily('2026-11-23', 'exact', 10_000, 0.5), daily('2026-11-24', 'estimated', 2500, 0.1)],
      tasks: [task({ title: 'Guessed', tokens: 1200, exactTokens: 200, outcome: 'done' })],
    });
    expect(summaryRow(text, 'Tokens counted by the service')).toBe('10,000');
    expect(section(text, 'Day by day')).toContain('| Mon 23 Nov | 10,000 | 0 | 0 |'); // no "≈0"
    expect(summaryRow(text, 'Tokens estimated')).toBe('≈2,500');
    expect(summaryRow(text, 'Tokens in all')).toBe('≈12,500');
    expect(summaryRow(text, 'Tokens per completed task')).toBe('≈1,200');
    expect(section(text, 'Completed')).toContain('| Guessed | Wed 25 Nov | ≈1,200 | $0.12 |');
    expect(section(text, 'Day by day')).toContain('| Tue 24 Nov | 0 | ≈2,500 | 0 |');
  });

  it('marks spend that led nowhere ≈ only where the tasks behind it were estimated', () => {
    const s = section(
      md({
        tasks: [
          task({ tokens: 9000, outcome: 'abandoned' }),
          task({ tokens: 800, exactTokens: 0 }), // never finished, estimated
          task({ tokens: 5000, outcome: 'done', retryTokens: 1200 }),
        ],
      }),
      'Spend that led nowhere',
    );
    expect(s).toContain('| Abandoned tasks | 9,000 |');
    expect(s).toContain('| Never finished (no outcome a week after the last activity) | ≈800 |');
    expect(s).toContain('| Retries (the same context sent again) | 1,200 |');
    expect(s).toContain('| Background calls (titles, summaries, agent sub-steps) | 0 |');
    expect(s).toContain('| In all | ≈11,000 |');
  });

  it('says "Tokens in all" plainly when everything was counted', () => {
    expect(summaryRow(md({ daily: [daily('2026-11-23', 'exact', 10_000, 0.5)] }), 'Tokens in all')).toBe('10,000');
  });

  it.each([
    ['all priced', [daily('2026-11-23', 'exact', 1000, 1.5)], '$1.50'],
    ['a tiny sum', [daily('2026-11-23', 'exact', 10, 0.0004)], '< $0.01'],
    ['nothing priced', [daily('2026-11-23', 'exact', 1000)], 'unknown (no known price)'],
    [
      'partly priced',
      [daily('2026-11-23', 'exact', 1000, 0.25), daily('2026-11-24', 'exact', 500)],
      '$0.25 + 500 tokens with no known price',
    ],
    ['no tokens', [], '$0.00'],
  ])('the week’s cost when %s', (_, rows, value) => {
    expect(summaryRow(md({ daily: rows }), 'API-equivalent cost (public API prices as of 2026-09-23)')).toBe(value);
  });

  it.each([
    ['priced', {}, '$0.10'],
    ['unpriced', { costUsd: 0, unpricedTokens: 1000 }, 'unknown (no known price)'],
    ['partly priced', { costUsd: 0.05, unpricedTokens: 400 }, '$0.05 + 400 tokens with no known price'],
  ])('a task’s cost when %s', (_, over, cost) => {
    const text = md({ tasks: [task({ title: 'X', tokens: 1000, outcome: 'done', ...over })] });
    expect(section(text, 'Completed')).toContain(`| X | Wed 25 Nov | 1,000 | ${cost} |`);
  });

  it('gives no cost per completed task when a completed task had no known price', () => {
    const text = md({
      tasks: [task({ outcome: 'done' }), task({ outcome: 'done', costUsd: 0, unpricedTokens: 1000 })],
    });
    expect(summaryRow(text, 'Cost per completed task')).toBe(
      'unknown (some completed tasks used models with no known price)',
    );
  });

  it.each([
    [0, '$0.00'],
    [0.004, '< $0.01'],
    [0.01, '$0.01'],
    [1234.5, '$1,234.50'],
  ])('%f dollars reads %s', (usd, text) => {
    expect(formatUsdCents(usd)).toBe(text);
  });
});

describe('titles are text, never Markdown', () => {
  it.each([
    ['| [x](javascript:alert(1)) <img>', '\\| \\[x\\](javascript:alert(1)) \\<img\\>'],
    ['**bold** _it_ `code` # not a heading', '\\*\\*bold\\*\\* \\_it\\_ \\`code\\` \\# not a heading'],
    ['two\nlines\r\nhere', 'two lines here'],
    ['back\\|slash', 'back\\\\\\|slash'],
    ['&lt;b&gt; ~~gone~~ $x$', '\\&lt;b\\&gt; \\~\\~gone\\~\\~ \\$x\\$'],
  ])('%j is escaped as %j', (title, escaped) => {
    expect(escapeMarkdown(title)).toBe(escaped);
  });

  it('a hostile title stays inside its table cell and links nowhere', () => {
    const text = md({
      tasks: [task({ title: '| [x](javascript:alert(1)) <img src=x onerror=alert(1)>\n# Hi', outcome: 'done' })],
    });
    const rows = section(text, 'Completed')
      .split('\n')
      .filter((l) => l.startsWith('| ') && !l.startsWith('| Task') && !l.startsWith('| ---'));
    expect(rows).toHaveLength(1);
    // Four cells: five pipes that are not escaped.
    expect(rows[0]!.match(/(?<!\\)\|/g)).toHaveLength(5);
    expect(text).not.toMatch(/(?<!\\)\[x(?<!\\)\]\(/);
    expect(text).not.toMatch(/(?<!\\)<img/);
    expect(text).not.toMatch(/^# Hi/m);
  });

  it.each([
    ['no title, a named site', { title: undefined }, 'Untitled (Acme Assist, Wed 25 Nov)'],
    ['a blank title', { title: '  \n ' }, 'Untitled (Acme Assist, Wed 25 Nov)'],
    ['no site (a manual task)', { title: undefined, site: undefined }, 'Untitled (Wed 25 Nov)'],
    ['a very long title', { title: 'a'.repeat(300) }, `${'a'.repeat(119)}…`],
  ])('%s', (_, over, label) => {
    const text = md({ tasks: [task({ outcome: 'done', ...over })], siteName: () => 'Acme Assist' });
    expect(titles(section(text, 'Completed'))).toEqual([label]);
  });

  it('names the site by its host when no name is given', () => {
    const text = md({ tasks: [task({ outcome: 'abandoned', title: undefined })] });
    expect(titles(section(text, 'Abandoned or never finished'))).toEqual(['Untitled (assist.acme.test, Wed 25 Nov)']);
  });
});

describe('the file itself', () => {
  it('says it was made on this device from local data only', () => {
    expect(md().split('\n')[2]).toBe(
      'Generated on this device on Wed 9 Dec 2026 at 10:00, from data stored only in this browser. ' +
        'Tokenwise sent nothing anywhere; this file is yours.',
    );
  });

  it.each([
    [undefined, false],
    ['tokenwise-week-2026-11-23.png', true],
  ])('embeds the chart %s only when it is saved alongside', (chartFile, embedded) => {
    const text = md(chartFile ? { chartFile } : {});
    expect(text.includes('![Daily tokens](tokenwise-week-2026-11-23.png)')).toBe(embedded);
  });

  it('reports nothing wasted as "None this week."', () => {
    expect(section(md(), 'Spend that led nowhere').trim()).toBe('None this week.');
    expect(section(md(), 'Abandoned or never finished').trim()).toBe('None this week.');
  });

  it('never words the figures as a score', () => {
    expect(md({ tasks: [task({ outcome: 'done' })] })).not.toMatch(/score|rank|efficien|productiv/i);
  });

  it('is the same whatever the input order (no hidden state)', () => {
    const tasks = [task({ outcome: 'done', tokens: 10 }), task({ outcome: 'done', tokens: 20 })];
    expect(md({ tasks })).toBe(md({ tasks: [...tasks].reverse() }));
  });

  it('rejects a week that is not a day', () => {
    expect(() => md({ weekStart: 'next week' })).toThrow();
  });

  it('ignores tasks given for the comparison when counting the waste', () => {
    const text = md({ tasks: [task({ day: '2026-11-16', outcome: 'abandoned' })] });
    expect(section(text, 'Spend that led nowhere').trim()).toBe('None this week.');
  });
});
