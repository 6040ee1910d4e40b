/**
 * The task table's rows: what each task shows, and how the table filters and sorts them. Pure and cheap per
 * row, because a year of history can hold tens of thousands of tasks: everything a row needs for search and
 * sort is computed once here, and only the rows on screen are formatted by the component.
 */
import type { Outcome, Task } from '@/utils/records';
import { siteLabel } from '@/utils/sites';
import { inRange, needsOutcome, type DayRange } from '@/utils/task-metrics';

export interface TaskRow {
  task: Task;
  /** The task's own title, or a stand-in made of its site and date. */
  title: string;
  untitled: boolean;
  siteName: string;
  tokens: number;
  /** Part of `tokens` was estimated or tokenized locally rather than reported by the service. */
  estimated: boolean;
}

export type SortKey = 'title' | 'site' | 'kind' | 'lastAt' | 'tokens' | 'cost' | 'outcome';
export type SortDir = 'asc' | 'desc';
export interface Sort {
  key: SortKey;
  dir: SortDir;
}

/** Newest first: what a person most likely wants to mark is what they just did. */
export const DEFAULT_SORT: Sort = { key: 'lastAt', dir: 'desc' };

/** A header clicked for the first time sorts the way a person expects to read that column. */
export const FIRST_DIR: Readonly<Record<SortKey, SortDir>> = {
  title: 'asc',
  site: 'asc',
  kind: 'asc',
  lastAt: 'desc',
  tokens: 'desc',
  cost: 'desc',
  outcome: 'asc',
};

export const OUTCOME_FILTERS = ['all', 'needs', 'done', 'partial', 'abandoned', 'open'] as const;
export type OutcomeFilter = (typeof OUTCOME_FILTERS)[number];
export const OUTCOME_FILTER_LABELS: Readonly<Record<OutcomeFilter, string>> = {
  all: 'All',
  needs: 'Needs outcome',
  done: 'Done',
  partial: 'Partial',
  abandoned: 'Abandoned',
  open: 'Open',
};

// One formatter and one collator for all rows: toLocaleDateString and localeCompare build a new one on every
// call, which made 20,000 rows take most of a second (measured) instead of a few milliseconds.
let dateFormat: Intl.DateTimeFormat | undefined;
const shortDate = (at: number) =>
  (dateFormat ??= new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' })).format(at);
let collator: Intl.Collator | undefined;
const compareText = (a: string, b: string) =>
  (collator ??= new Intl.Collator(undefined, { sensitivity: 'base', numeric: true })).compare(a, b);

/** Title for a task, falling back to where and when it happened so an untitled row is still recognisable. */
export function titleOf(task: Task, label: (site: string) => string = siteLabel): { title: string; untitled: boolean } {
  const own = task.title?.trim();
  if (own) return { title: own, untitled: false };
  const where = task.site ? label(task.site) : 'Untitled task';
  return { title: `${where} · ${shortDate(task.createdAt)}`, untitled: true };
}

/**
 * Rows for the tasks last active in `range`. Tasks without turns (a manual task just started) are left out,
 * as the headline counts leave them out: there is nothing to judge yet.
 */
export function toRows(tasks: readonly Task[], range: DayRange): TaskRow[] {
  // One URL parse per site, not per row.
  const labels = new Map<string, string>();
  const label = (site: string) => {
    let l = labels.get(site);
    if (l === undefined) labels.set(site, (l = siteLabel(site)));
    return l;
  };
  const rows: TaskRow[] = [];
  for (const task of tasks) {
    if (task.turns === 0 || !inRange(task.day, range)) continue;
    const { title, untitled } = titleOf(task, label);
    const siteName = task.site ? label(task.site) : '';
    const tokens = task.inputTokens + task.outputTokens;
    rows.push({
      task,
      title,
      untitled,
      siteName,
      tokens,
      estimated: task.exactTokens < tokens,
    });
  }
  return rows;
}

// What the search box matches, lower-cased: built on the first search, not for every row of every read
// (that alone was a third of building 20,000 rows).
const haystacks = new WeakMap<TaskRow, string>();
export function haystackOf(r: TaskRow): string {
  let h = haystacks.get(r);
  if (h === undefined) haystacks.set(r, (h = `${r.title}\n${r.siteName}\n${r.task.note ?? ''}`.toLowerCase()));
  return h;
}

/** Rows matching the search words (every word, anywhere in title, site or note) and the outcome filter. */
export function filterRows(
  rows: readonly TaskRow[],
  query: string,
  outcome: OutcomeFilter,
  now: number = Date.now(),
): TaskRow[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  return rows.filter((r) => {
    if (!matchesOutcome(r.task, outcome, now)) return false;
    if (words.length === 0) return true;
    const h = haystackOf(r);
    return words.every((w) => h.includes(w));
  });
}

function matchesOutcome(task: Task, f: OutcomeFilter, now: number): boolean {
  switch (f) {
    case 'all':
      return true;
    case 'needs':
      return needsOutcome(task, now);
    case 'open':
      return task.outcome === undefined;
    default:
      return task.outcome === f;
  }
}

const OUTCOME_ORDER: Readonly<Record<Outcome | 'open', number>> = { done: 0, partial: 1, abandoned: 2, open: 3 };
const KIND_ORDER = { chat: 0, agent: 1, manual: 2 } as const;

/**
 * A sorted copy. Ties fall back to newest first, so the order is stable and the same on every render
 * whatever order the rows were read in.
 */
export function sortRows(rows: readonly TaskRow[], sort: Sort): TaskRow[] {
  const sign = sort.dir === 'asc' ? 1 : -1;
  const by = comparator(sort.key);
  return [...rows].sort(
    (a, b) => sign * by(a, b) || b.task.lastAt - a.task.lastAt || compareText(a.task.id, b.task.id),
  );
}

function comparator(key: SortKey): (a: TaskRow, b: TaskRow) => number {
  switch (key) {
    case 'title':
      return (a, b) => compareText(a.title, b.title);
    case 'site':
      return (a, b) => compareText(a.siteName, b.siteName);
    case 'kind':
      return (a, b) => KIND_ORDER[a.task.kind] - KIND_ORDER[b.task.kind];
    case 'lastAt':
      return (a, b) => a.task.lastAt - b.task.lastAt;
    case 'tokens':
      return (a, b) => a.tokens - b.tokens;
    case 'cost':
      return (a, b) => a.task.costUsd - b.task.costUsd;
    case 'outcome':
      return (a, b) => OUTCOME_ORDER[a.task.outcome ?? 'open'] - OUTCOME_ORDER[b.task.outcome ?? 'open'];
  }
}

/** The next sort when a header is clicked: the same column flips, another starts in its natural order. */
export function nextSort(current: Sort, key: SortKey): Sort {
  if (current.key === key) return { key, dir: current.dir === 'asc' ? 'desc' : 'asc' };
  return { key, dir: FIRST_DIR[key] };
}

/**
 * What "Merge into one task" sends for the selected tasks: the most recently active one keeps its id (and
 * its title and outcome), the others join it. Undefined for fewer than two.
 */
export function mergePlan(selected: readonly Task[]): { into: string; from: string[] } | undefined {
  if (selected.length < 2) return undefined;
  const [into, ...rest] = [...selected].sort((a, b) => b.lastAt - a.lastAt || compareText(a.id, b.id));
  return { into: into!.id, from: rest.map((t) => t.id) };
}

/** How many rows each outcome filter would show (one pass, for the filter's labels). */
export function countByOutcome(rows: readonly TaskRow[], now: number = Date.now()): Record<OutcomeFilter, number> {
  const counts: Record<OutcomeFilter, number> = { all: 0, needs: 0, done: 0, partial: 0, abandoned: 0, open: 0 };
  for (const { task } of rows) {
    counts.all++;
    counts[task.outcome ?? 'open']++;
    if (needsOutcome(task, now)) counts.needs++;
  }
  return counts;
}
