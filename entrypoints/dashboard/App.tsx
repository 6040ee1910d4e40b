import { useCallback, useState } from 'react';
import { getDb, type TokenwiseDB } from '@/utils/db';
import { formatHash } from './hash-state';
import { LocalChip } from '@/components/LocalChip';
import { DbStatus } from '@/components/DbStatus';
import { Overview } from './Overview';
import { RangePicker } from './RangePicker';
import type { RangeId } from './ranges';
import { TaskDetail } from './TaskDetail';
import { useThemePalette } from '@/components/use-theme-palette';
import { useHashState } from './use-hash-state';
import { WorkingOn } from './WorkingOn';
import { WeeklySummaryButton } from '@/components/WeeklySummaryButton';

/**
 * The dashboard: spend against work over a range, and every task in it. The view (range, open task) lives
 * in the address's hash so the popup can link straight to a task and a reload keeps the view.
 *
 * `db` is for tests; the page uses the shared database, which only the background writes.
 */
export function App({ db = getDb() }: { db?: TokenwiseDB }) {
  const [view, navigate] = useHashState();
  const palette = useThemePalette();
  const [ready, setReady] = useState(false);
  // The task whose detail was just closed, so the table can give its link the focus back.
  const [returnTo, setReturnTo] = useState<string>();
  const markReady = useCallback(() => setReady(true), []);
  const hrefFor = useCallback((task: string) => formatHash({ range: view.range, task }), [view.range]);
  const openTask = useCallback((task: string) => navigate({ range: view.range, task }), [navigate, view.range]);
  const closeTask = () => {
    setReturnTo(view.task);
    navigate({ range: view.range });
  };
  // From a task, picking a range goes back to the overview (Back returns to the task); otherwise the
  // range replaces the address, so Back leaves the page instead of replaying every range tried.
  const pickRange = (range: RangeId) => navigate({ range }, view.task ? 'push' : 'replace');

  return (
    <main className="dashboard" data-ready={ready ? 'true' : undefined} aria-busy={!ready}>
      <DbStatus />
      <header className="dash-header">
        <div className="dash-title">
          <h1>Tokenwise</h1>
          <LocalChip />
        </div>
        <div className="dash-actions">
          <WeeklySummaryButton className="small" />
          <RangePicker value={view.range} onChange={pickRange} />
        </div>
      </header>

      <WorkingOn db={db} />

      {view.task ? (
        <TaskDetail db={db} taskId={view.task} palette={palette} onClose={closeTask} onReady={markReady} />
      ) : (
        <Overview
          db={db}
          rangeId={view.range}
          palette={palette}
          hrefFor={hrefFor}
          onOpen={openTask}
          onReady={markReady}
          focusTaskId={returnTo}
        />
      )}

      <footer className="dash-footer muted">
        Plain numbers are the services&apos; own usage figures; <span className="estimate">≈</span> marks tokens that
        were estimated or counted locally. Costs are what the same calls would cost at public API prices — not what you
        pay. Everything here stays in this browser.
      </footer>
    </main>
  );
}
