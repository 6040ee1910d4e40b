import { lazy, memo, Suspense, useEffect, useMemo, useState } from 'react';
import { useLiveQuery } from 'dexie-react-hooks';
import type { TokenwiseDB } from '@/utils/db';
import type { Task } from '@/utils/records';
import { summariseOutcomes, trendAgainstOwnPast, weeklyTokensPerDone } from '@/utils/task-metrics';
import { Breakdowns } from './Breakdowns';
import {
  loadEarlierTrendTasks,
  loadOverview,
  overviewData,
  overviewReadKey,
  TREND_WEEKS,
  type OverviewData,
} from './dashboard-data';
import { parseHash } from './hash-state';
import { daySeries } from './day-series';
import { HeadlineFigures } from './HeadlineFigures';
import { RANGE_LABELS, type RangeId } from './ranges';
import { toRows, type OutcomeFilter } from './task-rows';
import { TaskTable } from './TaskTable';
import type { ThemePalette } from '@/components/use-theme-palette';
import { useFirstRead } from '@/components/use-first-read';
import { takeFirstRead } from '@/utils/first-read';

// Chart.js is the largest part of the page: load it after the figures and the table are on screen.
const DailyChart = lazy(() => import('./DailyChart').then((m) => ({ default: m.DailyChart })));

/** The range the page opened on, and what the page's <head> script read for it (utils/first-read.ts). */
const initialRange = parseHash(location.hash).range;
const firstRead = takeFirstRead(overviewReadKey(initialRange));
const firstOverview = (rows: Record<string, unknown[]>, now: number) => overviewData(initialRange, rows, now);

/** Everything derived from one read, computed once per read (not per render). */
function derive(data: OverviewData) {
  const { tasks, daily, range, now } = data;
  return {
    summary: summariseOutcomes(tasks, daily, range, now),
    series: daySeries(daily, tasks, range),
    rows: toRows(tasks, range),
  };
}

/** The person's own past weeks, once the tasks before the range (if the trend needs any) have been read. */
function trendOf(data: OverviewData, earlier: readonly Task[]) {
  const weeks = weeklyTokensPerDone(earlier.length ? [...earlier, ...data.tasks] : data.tasks, TREND_WEEKS, data.now);
  return { weeks, trend: trendAgainstOwnPast(weeks) };
}

/**
 * The range at a glance, its charts, and its tasks. Memoised: its first view makes the page mark itself ready
 * (App's state), and that must not render every card and row a second time before the mark shows.
 */
export const Overview = memo(function Overview({
  db,
  rangeId,
  palette,
  hrefFor,
  onOpen,
  onReady,
  focusTaskId,
}: {
  db: TokenwiseDB;
  rangeId: RangeId;
  palette: ThemePalette;
  hrefFor: (taskId: string) => string;
  onOpen: (taskId: string) => void;
  onReady: () => void;
  focusTaskId?: string;
}) {
  const first = useFirstRead(firstRead, firstOverview);
  const live = useLiveQuery(
    () => (first.settled ? loadOverview(db, rangeId) : undefined),
    [db, rangeId, first.settled],
  );
  const data = live ?? (rangeId === initialRange ? first.data : undefined);
  const derived = useMemo(() => (data ? derive(data) : undefined), [data]);
  // Only once the first view is there (null until then: useLiveQuery's undefined means "still reading").
  const earlier = useLiveQuery(
    async () => (data ? loadEarlierTrendTasks(db, data.range) : null),
    [db, data?.range.from, data?.range.to],
  );
  const trend = useMemo(() => (data && earlier ? trendOf(data, earlier) : undefined), [data, earlier]);
  const [filter, setFilter] = useState<OutcomeFilter>('all');
  useEffect(() => {
    if (derived) onReady();
  }, [derived, onReady]);

  if (!data || !derived) return <p className="loading muted">Reading your history…</p>;
  const { summary, series, rows } = derived;
  const showNeedsOutcome = () => {
    setFilter('needs');
    document.getElementById('tasks-heading')?.scrollIntoView({ block: 'start' });
  };
  return (
    <>
      <HeadlineFigures
        summary={summary}
        weeks={trend?.weeks}
        trend={trend?.trend}
        onShowNeedsOutcome={showNeedsOutcome}
      />

      <section className="card" aria-labelledby="daily-heading">
        <h2 id="daily-heading">
          Tokens and tasks done <span className="muted">· {RANGE_LABELS[rangeId].toLowerCase()}</span>
        </h2>
        <Suspense fallback={<div className="chart-canvas chart-canvas-main" aria-hidden="true" />}>
          <DailyChart series={series} palette={palette} />
        </Suspense>
      </section>

      <Breakdowns db={db} range={data.range} daily={data.daily} tasks={data.tasks} palette={palette} />

      <TaskTable
        rows={rows}
        now={data.now}
        filter={filter}
        onFilter={setFilter}
        hrefFor={hrefFor}
        onOpen={onOpen}
        focusTaskId={focusTaskId}
      />
    </>
  );
});
