import { useCallback, useDeferredValue, useEffect, useMemo, useState } from 'react';
import type { Outcome } from '@/utils/records';
import {
  countByOutcome,
  DEFAULT_SORT,
  filterRows,
  mergePlan,
  nextSort,
  sortRows,
  type OutcomeFilter,
  type Sort,
  type SortKey,
  type TaskRow as Row,
} from './task-rows';
import { TaskFilters } from './TaskFilters';
import { TaskRow } from './TaskRow';
import { useBackground } from './use-background';

/**
 * Rows drawn first, then per "Show more": a year can hold tens of thousands of tasks, and nobody reads past a
 * few hundred. The first page only has to fill the screen; drawing more holds up the whole page's first view.
 */
export const FIRST_PAGE = 50;
export const PAGE_SIZE = 200;

const COLUMNS: readonly { key: SortKey; label: string; className?: string }[] = [
  { key: 'title', label: 'Task' },
  { key: 'site', label: 'Site' },
  { key: 'kind', label: 'Kind' },
  { key: 'lastAt', label: 'Last active' },
  { key: 'tokens', label: 'Tokens', className: 'num' },
  { key: 'cost', label: 'Cost', className: 'num' },
  { key: 'outcome', label: 'Outcome' },
];

/** The background takes at most this many tasks in one merge (utils/messages.ts). */
const MERGE_MAX = 500;

/**
 * Every task of the range: sortable by any column, searchable, filtered by outcome, marked inline, and
 * merged when several turn out to be one piece of work.
 */
export function TaskTable({
  rows,
  now,
  filter,
  onFilter,
  hrefFor,
  onOpen,
  focusTaskId,
}: {
  rows: readonly Row[];
  now: number;
  filter: OutcomeFilter;
  onFilter: (f: OutcomeFilter) => void;
  hrefFor: (taskId: string) => string;
  onOpen: (taskId: string) => void;
  /** A task whose detail was just closed: its link gets the focus back. */
  focusTaskId?: string;
}) {
  const [query, setQuery] = useState('');
  const [sort, setSort] = useState<Sort>(DEFAULT_SORT);
  // How many rows are drawn, for one search/filter/sort: a new one starts again from the top.
  const [page, setPage] = useState({ view: '', limit: FIRST_PAGE });
  const [selected, setSelected] = useState<ReadonlySet<string>>(() => new Set());
  const [status, setStatus] = useState<string>();
  const { send, error } = useBackground();
  // Typing stays responsive over a big range: the filtering follows a moment behind the keystrokes.
  const deferredQuery = useDeferredValue(query);

  const counts = useMemo(() => countByOutcome(rows, now), [rows, now]);
  const shown = useMemo(
    () => sortRows(filterRows(rows, deferredQuery, filter, now), sort),
    [rows, deferredQuery, filter, now, sort],
  );
  const view = `${deferredQuery}\n${filter}\n${sort.key}\n${sort.dir}`;
  const limit = page.view === view ? page.limit : FIRST_PAGE;
  const visible = shown.slice(0, limit);

  useEffect(() => {
    if (!focusTaskId) return;
    const row = document.querySelector(`tr[data-task-id="${CSS.escape(focusTaskId)}"] .task-title a`);
    if (row instanceof HTMLElement) row.focus();
  }, [focusTaskId]);

  // Selected tasks as they are now: a task merged away (here or in the popup) drops out of the selection.
  const selectedTasks = useMemo(() => rows.filter((r) => selected.has(r.task.id)).map((r) => r.task), [rows, selected]);

  const onSelect = useCallback((id: string, on: boolean) => {
    setSelected((prev) => {
      const next = new Set(prev);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  }, []);
  const onOutcome = useCallback(
    (taskId: string, outcome: Outcome | null) => void send({ type: 'set-outcome', taskId, outcome }),
    [send],
  );

  const merge = async () => {
    const plan = mergePlan(selectedTasks);
    if (!plan) return;
    if (plan.from.length > MERGE_MAX) {
      setStatus(`Select at most ${MERGE_MAX + 1} tasks to merge at once.`);
      return;
    }
    const into = rows.find((r) => r.task.id === plan.into)?.title ?? 'one task';
    if (await send({ type: 'merge-tasks', into: plan.into, from: plan.from })) {
      setSelected(new Set());
      setStatus(`Merged ${plan.from.length + 1} tasks into “${into}”.`);
    } else setStatus(undefined);
  };

  return (
    <section className="card tasks-card" aria-labelledby="tasks-heading">
      <div className="card-head">
        <h2 id="tasks-heading">Tasks</h2>
        <TaskFilters query={query} onQuery={setQuery} filter={filter} onFilter={onFilter} counts={counts} />
      </div>
      <div className="merge-bar">
        <span className="muted" aria-live="polite">
          {selectedTasks.length === 0
            ? 'Tick tasks that were really one piece of work to merge them.'
            : `${selectedTasks.length} selected`}
        </span>
        <button
          type="button"
          className="small"
          data-testid="merge"
          disabled={selectedTasks.length < 2}
          onClick={() => void merge()}
        >
          Merge into one task
        </button>
        {selectedTasks.length > 0 && (
          <button type="button" className="small link" onClick={() => setSelected(new Set())}>
            Clear selection
          </button>
        )}
        <span role="status" className={error ? 'bad-text' : 'muted'} data-testid="task-table-status">
          {error ?? status}
        </span>
      </div>
      <div className="table-scroll">
        <table className="tasks" data-testid="task-table">
          <caption className="sr-only">
            Tasks last active in this range, {shown.length} shown. Column headers sort.
          </caption>
          <thead>
            <tr>
              <th scope="col" className="select">
                <span className="sr-only">Select</span>
              </th>
              {COLUMNS.map((c) => {
                const active = sort.key === c.key;
                return (
                  <th
                    key={c.key}
                    scope="col"
                    className={c.className}
                    aria-sort={active ? (sort.dir === 'asc' ? 'ascending' : 'descending') : undefined}
                  >
                    <button
                      type="button"
                      className="sort"
                      data-testid={`sort-${c.key}`}
                      onClick={() => setSort((s) => nextSort(s, c.key))}
                    >
                      {c.label}
                      <span className="sort-mark" aria-hidden="true">
                        {active ? (sort.dir === 'asc' ? '▲' : '▼') : '↕'}
                      </span>
                    </button>
                  </th>
                );
              })}
            </tr>
          </thead>
          <tbody>
            {visible.map((r) => (
              <TaskRow
                key={r.task.id}
                row={r}
                href={hrefFor(r.task.id)}
                now={now}
                selected={selected.has(r.task.id)}
                onSelect={onSelect}
                onOpen={onOpen}
                onOutcome={onOutcome}
              />
            ))}
          </tbody>
        </table>
      </div>
      {shown.length === 0 && (
        <p className="empty-note" data-testid="task-table-empty">
          {rows.length === 0
            ? 'No tasks in this range yet. Tasks appear as you use the AI tools Tokenwise tracks.'
            : 'No task matches this search and filter.'}
        </p>
      )}
      {shown.length > limit && (
        <button
          type="button"
          className="show-more"
          data-testid="show-more"
          onClick={() => setPage({ view, limit: limit + PAGE_SIZE })}
        >
          Show {Math.min(PAGE_SIZE, shown.length - limit)} more of {(shown.length - limit).toLocaleString('en-US')}
        </button>
      )}
    </section>
  );
}
