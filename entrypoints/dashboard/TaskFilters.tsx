import { OUTCOME_FILTERS, OUTCOME_FILTER_LABELS, type OutcomeFilter } from './task-rows';
import { SegmentedControl } from './SegmentedControl';

/** Search by words in a task's title, site or note, and narrow to one outcome; counts say what each holds. */
export function TaskFilters({
  query,
  onQuery,
  filter,
  onFilter,
  counts,
}: {
  query: string;
  onQuery: (q: string) => void;
  filter: OutcomeFilter;
  onFilter: (f: OutcomeFilter) => void;
  counts: Readonly<Record<OutcomeFilter, number>>;
}) {
  const options = OUTCOME_FILTERS.map((f) => ({
    value: f,
    testId: `filter-${f}`,
    label: (
      <>
        {OUTCOME_FILTER_LABELS[f]} <span className="count">{counts[f].toLocaleString('en-US')}</span>
      </>
    ),
  }));
  return (
    <div className="task-filters">
      <label className="search">
        <span className="sr-only">Search tasks</span>
        <input
          type="search"
          value={query}
          onChange={(e) => onQuery(e.target.value)}
          placeholder="Search title, site or note"
          data-testid="task-search"
          maxLength={200}
        />
      </label>
      <SegmentedControl label="Show tasks" options={options} value={filter} onChange={onFilter} className="small" />
    </div>
  );
}
