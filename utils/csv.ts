/**
 * CSV for spreadsheets: the task list and the daily totals. RFC 4180 quoting, CRLF line ends, a UTF-8 byte
 * order mark (so Excel reads non-ASCII titles correctly), and formula-injection protection: a text cell that
 * starts with = + - @ (or a tab / carriage return) gets a leading apostrophe, so a page title such as
 * `=HYPERLINK(...)` stays text in the spreadsheet (OWASP "CSV injection").
 */
import type { Conversation, DailyTotal, Task } from './records';

export type CsvValue = string | number | boolean | null | undefined;

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/;

/** One cell: numbers as they are, text protected against formulas and quoted when needed. */
export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** A whole CSV document (with its byte order mark). */
export function toCsv(header: readonly string[], rows: Iterable<readonly CsvValue[]>): string {
  const lines = [header.map(csvCell).join(',')];
  for (const row of rows) lines.push(row.map(csvCell).join(','));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

const iso = (ms: number | undefined) => (ms === undefined ? '' : new Date(ms).toISOString());
/** Dollars rounded to a millionth: exact enough to add up, without float noise like 0.30000000000000004. */
const usd = (x: number | undefined) => (x === undefined ? undefined : Math.round(x * 1e6) / 1e6);

export const TASKS_CSV_HEADER = [
  'id',
  'title',
  'kind',
  'sites',
  'day',
  'created_at',
  'last_at',
  'outcome',
  'note',
  'input_tokens',
  'output_tokens',
  'exact_tokens',
  'cost_usd',
  'turns',
] as const;

/** Every site a task's conversations ran on (a manual task may span several). */
export function sitesByTask(conversations: readonly Pick<Conversation, 'taskId' | 'site'>[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const c of conversations) {
    let s = out.get(c.taskId);
    if (!s) out.set(c.taskId, (s = new Set()));
    s.add(c.site);
  }
  return out;
}

/** One row per task, oldest first as given; sites separated by spaces. */
export function tasksToCsv(tasks: readonly Task[], sites: Map<string, Set<string>>): string {
  return toCsv(
    TASKS_CSV_HEADER,
    tasks.map((t) => {
      const all = new Set(sites.get(t.id));
      if (t.site) all.add(t.site);
      return [
        t.id,
        t.title,
        t.kind,
        [...all].sort().join(' '),
        t.day,
        iso(t.createdAt),
        iso(t.lastAt),
        t.outcome,
        t.note,
        t.inputTokens,
        t.outputTokens,
        t.exactTokens,
        usd(t.costUsd),
        t.turns,
      ];
    }),
  );
}

export const DAILY_CSV_HEADER = [
  'day',
  'site',
  'source',
  'input_tokens',
  'output_tokens',
  'turns',
  'cost_usd',
] as const;

export function dailyToCsv(rows: readonly DailyTotal[]): string {
  return toCsv(
    DAILY_CSV_HEADER,
    rows.map((d) => [d.day, d.site, d.source, d.inputTokens, d.outputTokens, d.turns, usd(d.costUsd)]),
  );
}
