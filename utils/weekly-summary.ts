/**
 * The weekly summary the user owns: a Markdown file (plus the chart as PNG, drawn elsewhere) saved to their
 * own disk. Pure: no DOM, no database, so it is tested table-driven (tests/unit/weekly-summary.test.ts).
 *
 * Like the popup, it reports spend against completed work in plain words and never as a score: tokens per
 * *completed* task, compared only with the person's own previous weeks, and spend that led nowhere shown
 * plainly. Task titles are page or user text, so they are escaped before they reach the Markdown.
 */
import { dayOf } from './day';
import { formatTokens, formatUsd } from './format';
import type { DailyTotal, Task } from './records';
import { siteLabel } from './sites';
import {
  addDays,
  startOfWeek,
  summariseOutcomes,
  trendAgainstOwnPast,
  weeklyTokensPerDone,
  UNATTENDED_MS,
  wasteReason,
  type DayRange,
  type WasteReason,
} from './task-metrics';

/** Previous weeks the week is compared with (the button reads this many weeks of tasks before it). */
export const TREND_WEEKS = 8;
/** Tasks listed by name in each list; the rest are summed up in one line. */
export const LIST_LIMIT = 20;
/** Page titles can be whole paragraphs; a summary line needs only the start. */
const TITLE_MAX = 120;

export interface WeeklySummaryInput {
  /** Tasks of the week and of the TREND_WEEKS weeks before it (others are ignored). */
  tasks: readonly Task[];
  /** Daily rollups of the week (others are ignored). */
  daily: readonly DailyTotal[];
  /** The Monday the week starts on, `YYYY-MM-DD` (any other day is taken as its own week's Monday). */
  weekStart: string;
  now: number;
  /** Date of the price table the costs were computed with. */
  pricesAsOf: string;
  /** The user's name for a site, for untitled tasks; defaults to its host. */
  siteName?: (origin: string) => string;
  /** File name of the chart PNG saved next to the Markdown; the image is embedded only when given. */
  chartFile?: string;
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;
const pad = (n: number) => String(n).padStart(2, '0');

function parseDay(day: string): { y: number; m: number; d: number } {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!match) throw new Error(`Not a day (YYYY-MM-DD): ${day}`);
  return { y: Number(match[1]), m: Number(match[2]), d: Number(match[3]) };
}

/**
 * "Mon 23 Nov" (or "Sun 29 Nov 2026" with the year). Fixed English names rather than toLocaleDateString, so
 * the file reads the same whatever the browser's language, like its en-US numbers.
 */
export function dayLabel(day: string, withYear = false): string {
  const { y, m, d } = parseDay(day);
  const weekday = WEEKDAYS[new Date(y, m - 1, d, 12).getDay()]!;
  return `${weekday} ${d} ${MONTHS[m - 1]!}${withYear ? ` ${y}` : ''}`;
}

/** The seven local days Monday to Sunday of the week that starts on (or contains) `weekStart`. */
export function weekDays(weekStart: string): string[] {
  const monday = startOfWeek(weekStart);
  return Array.from({ length: 7 }, (_, i) => addDays(monday, i));
}

export const weeklySummaryFileName = (weekStart: string) => `tokenwise-week-${startOfWeek(weekStart)}.md`;
export const weeklyChartFileName = (weekStart: string) => `tokenwise-week-${startOfWeek(weekStart)}.png`;

/** What the chart draws, one entry per day Monday to Sunday; the Markdown repeats it as a table. */
export interface WeekSeries {
  days: string[];
  /** Day labels, "Mon 23". */
  labels: string[];
  exact: number[];
  /** Tokenized and estimated together: both are not the service's own count. */
  estimated: number[];
  /** Tasks marked done, placed (like everywhere) by the day of their last activity. */
  completed: number[];
}

export function weeklyChartSeries(daily: readonly DailyTotal[], tasks: readonly Task[], weekStart: string): WeekSeries {
  const days = weekDays(weekStart);
  const index = new Map(days.map((d, i) => [d, i]));
  const exact = days.map(() => 0);
  const estimated = days.map(() => 0);
  const completed = days.map(() => 0);
  for (const row of daily) {
    const i = index.get(row.day);
    if (i === undefined) continue;
    const n = row.inputTokens + row.outputTokens;
    if (row.source === 'exact') exact[i]! += n;
    else estimated[i]! += n;
  }
  for (const t of tasks) {
    const i = index.get(t.day);
    if (i !== undefined && t.outcome === 'done' && t.turns > 0) completed[i]!++;
  }
  return { days, labels: days.map((d) => dayLabel(d).replace(/ \w+$/, '')), exact, estimated, completed };
}

/**
 * Page or user text made inert in Markdown: one line, and every character that could open a table cell,
 * emphasis, code, a link or image, raw HTML, a heading, strike-through, an entity or maths is escaped, so a
 * title like `| [x](javascript:alert(1)) <img>` shows as written instead of breaking the table or linking.
 */
export function escapeMarkdown(text: string): string {
  return (
    text
      // eslint-disable-next-line no-control-regex -- control characters and line breaks are exactly the point
      .replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, ' ')
      .replace(/\s+/g, ' ')
      .trim()
      .replace(/[\\`*_[\]<>#|~&$]/g, '\\$&')
  );
}

/** US dollars with cents; "< $0.01" rather than a misleading $0.00 for tiny sums. */
export const formatUsdCents = (usd: number): string => formatUsd(usd, { cents: true });

const tokensOf = (t: Task) => t.inputTokens + t.outputTokens;
/** Part of the task's count was estimated (not the service's own figure). */
const isEstimated = (t: Task) => t.exactTokens < tokensOf(t);
const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/** A cost known only for part of the tokens says so rather than passing for the whole. */
function costText(usd: number, unpricedTokens: number, tokens: number): string {
  if (unpricedTokens > 0 && unpricedTokens >= tokens) return 'unknown (no known price)';
  if (unpricedTokens > 0) return `${formatUsdCents(usd)} + ${formatTokens(unpricedTokens)} tokens with no known price`;
  return formatUsdCents(usd);
}

function taskLabel(t: Task, siteName: (origin: string) => string): string {
  const title = t.title?.trim();
  if (title) return escapeMarkdown(title.length > TITLE_MAX ? `${title.slice(0, TITLE_MAX - 1)}…` : title);
  const where = t.site ? `${siteName(t.site)}, ` : '';
  return escapeMarkdown(`Untitled (${where}${dayLabel(t.day)})`);
}

const REASON_WORDS: Partial<Record<WasteReason, string>> = {
  abandoned: 'abandoned',
  unfinished: 'never finished',
};

const byTokens = (a: Task, b: Task) => tokensOf(b) - tokensOf(a) || b.lastAt - a.lastAt;

function taskTable(
  tasks: readonly Task[],
  siteName: (origin: string) => string,
  reason?: (t: Task) => string | undefined,
): string[] {
  const shown = [...tasks].sort(byTokens).slice(0, LIST_LIMIT);
  const lines = reason
    ? ['| Task | What became of it | Last active | Tokens | Cost |', '| --- | --- | --- | ---: | ---: |']
    : ['| Task | Last active | Tokens | Cost |', '| --- | --- | ---: | ---: |'];
  for (const t of shown) {
    const cells = [
      taskLabel(t, siteName),
      ...(reason ? [reason(t) ?? ''] : []),
      dayLabel(t.day),
      formatTokens(tokensOf(t), isEstimated(t)),
      costText(t.costUsd, t.unpricedTokens, tokensOf(t)),
    ];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  const rest = [...tasks].sort(byTokens).slice(LIST_LIMIT);
  if (rest.length > 0) {
    const restTokens = rest.reduce((s, t) => s + tokensOf(t), 0);
    lines.push(
      '',
      `…and ${rest.length} more (${formatTokens(restTokens, rest.some(isEstimated))} tokens between them).`,
    );
  }
  return lines;
}

/** Sum line of a list: how many, how many tokens, and the cost where it is known. */
function listTotal(tasks: readonly Task[]): string {
  const tokens = tasks.reduce((s, t) => s + tokensOf(t), 0);
  const cost = tasks.reduce((s, t) => s + t.costUsd, 0);
  const unpriced = tasks.reduce((s, t) => s + t.unpricedTokens, 0);
  return (
    `${plural(tasks.length, 'task')}, ${formatTokens(tokens, tasks.some(isEstimated))} tokens in all, ` +
    `API-equivalent cost ${costText(cost, unpriced, tokens)}.`
  );
}

/** The person against their own previous weeks only, in neutral words: a difference, not a grade. */
function trendText(tasks: readonly Task[], weekStart: string): string {
  const { y, m, d } = parseDay(weekStart);
  // Any instant inside the week makes weeklyTokensPerDone treat it as "this" week; noon is safe across DST.
  const points = weeklyTokensPerDone(tasks, TREND_WEEKS + 1, new Date(y, m - 1, d, 12).getTime());
  const current = points[points.length - 1]!;
  const pastWeeks = points.slice(0, -1).filter((p) => p.tokensPerDone !== null).length;
  if (current.done === 0) return 'No comparison (none completed this week)';
  if (pastWeeks === 0) return `No comparison yet (no completed tasks in the previous ${TREND_WEEKS} weeks)`;
  const ratio = trendAgainstOwnPast(points);
  if (ratio === null) return 'No comparison';
  const basis = `your usual week (median of ${plural(pastWeeks, 'earlier week')} with completed tasks)`;
  const pct = Math.round(Math.abs(1 - ratio) * 100);
  if (pct < 5) return `About the same tokens per completed task as ${basis}`;
  return `${pct}% ${ratio < 1 ? 'fewer' : 'more'} tokens per completed task than ${basis}`;
}

function localTime(now: number): string {
  const d = new Date(now);
  return `${dayLabel(dayOf(d), true)} at ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A chart file name as a Markdown link target that no name can break out of. */
const linkTarget = (file: string) => encodeURI(file).replace(/\(/g, '%28').replace(/\)/g, '%29');

export function weeklySummaryMarkdown(input: WeeklySummaryInput): string {
  const { tasks, daily, now, pricesAsOf, chartFile } = input;
  parseDay(input.weekStart); // a malformed day would otherwise surface as "NaN" dates in the file
  const siteName = input.siteName ?? siteLabel;
  const days = weekDays(input.weekStart);
  const range: DayRange = { from: days[0]!, to: days[6]! };
  const s = summariseOutcomes(tasks, daily, range, now);
  const inWeek = tasks.filter((t) => t.day >= range.from && t.day <= range.to && t.turns > 0);
  const done = inWeek.filter((t) => t.outcome === 'done');
  const nowhere = inWeek.filter((t) => REASON_WORDS[wasteReason(t, now)] !== undefined);
  const today = dayOf(now);

  const out: string[] = [
    `# Tokenwise — week of ${dayLabel(range.from)} to ${dayLabel(range.to, true)}`,
    '',
    `Generated on this device on ${localTime(now)}, from data stored only in this browser. ` +
      'Tokenwise sent nothing anywhere; this file is yours.',
  ];
  if (today >= range.from && today <= range.to) {
    out.push('', `_The week is still in progress: figures run to ${dayLabel(today)}._`);
  }

  const none = '— (none completed this week)';
  const perDoneTokens = s.tokensPerDone === null ? none : formatTokens(s.tokensPerDone, done.some(isEstimated));
  const perDoneCost =
    s.tasks.done === 0
      ? none
      : s.costPerDone === null
        ? 'unknown (some completed tasks used models with no known price)'
        : formatUsdCents(s.costPerDone);
  const rows: [string, string][] = [
    ['Tokens counted by the service', formatTokens(s.tokens.exact)],
    ...(s.tokens.tokenized > 0
      ? [['Tokens counted here with the real tokenizer', formatTokens(s.tokens.tokenized)] as [string, string]]
      : []),
    ['Tokens estimated', formatTokens(s.tokens.estimated, s.tokens.estimated > 0)],
    ['Tokens in all', formatTokens(s.tokens.total, s.tokens.estimated > 0)],
    [
      `API-equivalent cost (public API prices as of ${escapeMarkdown(pricesAsOf)})`,
      costText(s.costUsd, s.unpricedTokens, s.tokens.total),
    ],
    ['Tasks completed', String(s.tasks.done)],
    ['Tasks partly done', String(s.tasks.partial)],
    ['Tasks abandoned', String(s.tasks.abandoned)],
    ['Tasks still open (no outcome marked)', String(s.tasks.open)],
    ['Tokens per completed task', perDoneTokens],
    ['Cost per completed task', perDoneCost],
    ['Compared with your own previous weeks', trendText(tasks, range.from)],
  ];
  out.push(
    '',
    '## Summary',
    '',
    '| | This week |',
    '| --- | --- |',
    ...rows.map(([k, v]) => `| ${k} | ${v} |`),
    '',
    'Figures marked ≈ include estimates: the service did not report its own count. Costs are what the same ' +
      'calls would cost at public API prices, not what anyone paid. Tasks belong to the day they were last active.',
  );

  const series = weeklyChartSeries(daily, tasks, range.from);
  out.push('', '## Day by day', '');
  if (chartFile) out.push(`![Daily tokens](${linkTarget(chartFile)})`, '');
  out.push('| Day | Counted by the service | ≈ Estimated | Tasks completed |', '| --- | ---: | ---: | ---: |');
  series.days.forEach((day, i) => {
    out.push(
      `| ${dayLabel(day)} | ${formatTokens(series.exact[i]!)} | ${formatTokens(series.estimated[i]!, series.estimated[i]! > 0)} | ${series.completed[i]!} |`,
    );
  });

  out.push('', '## Completed', '');
  if (done.length === 0) out.push('None completed this week.');
  else out.push(listTotal(done), '', ...taskTable(done, siteName));

  out.push('', '## Abandoned or never finished', '');
  if (nowhere.length === 0) out.push('None this week.');
  else {
    out.push(
      nowhere.some((t) => wasteReason(t, now) === 'unfinished')
        ? `${listTotal(nowhere)} "Never finished": no outcome a week after the last activity.`
        : listTotal(nowhere),
      '',
      ...taskTable(nowhere, siteName, (t) => REASON_WORDS[wasteReason(t, now)]),
    );
  }

  const w = s.waste;
  // A figure is marked ≈ when any task it sums had estimated tokens (retries and background calls are
  // parts of a task, so they take the task's mark).
  const estimatedIn = (reason: WasteReason) => inWeek.some((t) => wasteReason(t, now) === reason && isEstimated(t));
  const hours = Math.round(UNATTENDED_MS / 3_600_000);
  const wasteRows: [string, number, boolean][] = [
    ['Abandoned tasks', w.abandoned, estimatedIn('abandoned')],
    ['Never finished (no outcome a week after the last activity)', w.unfinished, estimatedIn('unfinished')],
    [`Left running (an agent run with no news for ${hours} hours or more)`, w.unattended, estimatedIn('unattended')],
    ['Retries (the same context sent again)', w.retries, estimatedIn('other')],
    ['Background calls (titles, summaries, agent sub-steps)', w.background, estimatedIn('other')],
  ];
  out.push('', '## Spend that led nowhere', '');
  if (w.total === 0) out.push('None this week.');
  else {
    out.push(
      'Tokens of this week’s tasks that did not lead to a finished result. Each task counts once, under the ' +
        'first reason that applies.',
      '',
      '| Where the tokens went | Tokens |',
      '| --- | ---: |',
      ...wasteRows.map(([k, v, est]) => `| ${k} | ${formatTokens(v, est && v > 0)} |`),
      `| In all | ${formatTokens(
        w.total,
        wasteRows.some(([, v, est]) => est && v > 0),
      )} |`,
    );
  }
  out.push('');
  return out.join('\n');
}
