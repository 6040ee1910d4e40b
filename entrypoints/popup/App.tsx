import { lazy, Suspense, useState } from 'react';
import { browser } from '#imports';
import { lastDays } from '@/utils/day';
import { FIRST_WINDOW, type PopupData } from './read-plan';
import type { LiveResults } from './LiveData';
import { healthOf, summariseUsage } from '@/utils/metrics';
import { completedPerDay, needsOutcome, summariseOutcomes, windowRange, type WindowKind } from '@/utils/task-metrics';
import type { Outcome } from '@/utils/records';
import { siteLabel } from '@/utils/sites';
import { formatTokens } from '@/utils/format';
import { asOf as pricesAsOf } from '@/utils/prices.json';
import { AgentRuns } from '@/components/AgentRuns';
import { TokenFigure } from '@/components/TokenFigure';
import { useThemePalette } from '@/components/use-theme-palette';
import { requestAccess, sendToBackground, useSites } from '@/components/use-sites';
import { OutcomeFigures } from '@/components/OutcomeFigures';
import { OutcomeQueue } from '@/components/OutcomeQueue';
import { LocalChip } from '@/components/LocalChip';
import { PauseNotice } from '@/components/PauseNotice';
import { DbStatus } from '@/components/DbStatus';

// Chart.js is the largest part of the popup: load it after the numbers are on screen, not before.
const UsageChart = lazy(() => import('@/components/UsageChart').then((m) => ({ default: m.UsageChart })));
// These name sites through the adapters' registry (utils/builtin-sites.ts), which brings every built-in site's
// parsers and their Zod schemas with it: evaluating those before the first render cost more than the render.
const CurrentSite = lazy(() => import('@/components/CurrentSite').then((m) => ({ default: m.CurrentSite })));
const HealthNotice = lazy(() => import('@/components/HealthNotice').then((m) => ({ default: m.HealthNotice })));
const SiteQuotas = lazy(() => import('@/components/SiteQuotas').then((m) => ({ default: m.SiteQuotas })));
// Dexie and the live queries: the first frame comes from the <head> script's read, so they load after it.
const LiveData = lazy(() => import('./LiveData').then((m) => ({ default: m.LiveData })));

const WINDOWS: { id: WindowKind; label: string }[] = [
  { id: 'today', label: 'Today' },
  { id: 'week', label: 'This week' },
  { id: '30d', label: '30 days' },
];
/** Tasks listed for marking in the popup; the rest are in the dashboard. */
const QUEUE_SHOWN = 3;

function openDashboard(hash = '') {
  void browser.tabs.create({ url: browser.runtime.getURL(`/dashboard.html${hash}` as '/popup.html') });
}

/**
 * `firstData`: the first period's data as the popup's <head> script read it (main.tsx waits for it), drawn until
 * the live queries have read theirs.
 */
export function App({ firstData }: { firstData?: PopupData }) {
  const [win, setWin] = useState<WindowKind>(FIRST_WINDOW);
  const [live, setLive] = useState<LiveResults>({});
  const data = live.data ?? (win === FIRST_WINDOW ? firstData : undefined);
  // Outcomes just marked here show at once; data read after the mark (the worker's write wakes the live
  // query) replaces them. If the worker could not store a mark, it is undone and the error shown.
  const [marked, setMarked] = useState<Record<string, { outcome: Outcome; at: number }>>({});
  const [markError, setMarkError] = useState<string>();
  const mark = (id: string, outcome: Outcome) => {
    setMarked((m) => ({ ...m, [id]: { outcome, at: Date.now() } }));
    void sendToBackground({ type: 'set-outcome', taskId: id, outcome }).then((r) => {
      setMarkError(r.ok ? undefined : `Could not save the outcome: ${r.error ?? 'unknown error'}`);
      if (!r.ok) setMarked((m) => Object.fromEntries(Object.entries(m).filter(([k]) => k !== id)));
    });
  };
  // The trend and the week's agent runs wait until the figures are on screen: read together with them, they
  // compete for the same IndexedDB connection and main thread and delay the first render.
  const shown = data !== undefined;
  const { trend, runs } = live;
  const sites = useSites();
  const palette = useThemePalette();
  // Loaded while the first frame is on screen (main.tsx renders once the head script's read has settled).
  const liveQueries = (
    <Suspense fallback={null}>
      <LiveData win={win} shown={shown} onChange={setLive} />
    </Suspense>
  );
  if (!data)
    return (
      <>
        {liveQueries}
        <main className="popup" aria-busy="true">
          <DbStatus />
        </main>
      </>
    );
  // While another period loads, the last one stays on screen (no flash of an empty popup).
  const { now, daily, health } = data;
  const tasks = data.tasks.map((t) => {
    const m = marked[t.id];
    return m && m.at >= now && t.outcome !== m.outcome ? { ...t, outcome: m.outcome, outcomeAt: m.at } : t;
  });
  const range = windowRange(data.win, now);
  const outcome = summariseOutcomes(tasks, daily, range, now);
  const chartDays = lastDays(data.win === '30d' ? 30 : 7, now);
  const usage = summariseUsage(daily, chartDays);
  // The site table is always the last 7 days: the chart's own summary, unless the chart shows 30.
  const week = chartDays.length === 7 ? usage : summariseUsage(daily, lastDays(7, now));
  const waiting = tasks.filter((t) => needsOutcome(t, now)).sort((a, b) => b.lastAt - a.lastAt);
  const noAccess = sites?.filter((s) => !s.access) ?? [];
  const paused = new Set(sites?.filter((s) => s.paused || !s.access).map((s) => s.origin));
  const problems = health.filter((h) => healthOf(h).kind === 'unrecognised' && !paused.has(h.site));
  const empty = daily.length === 0 && tasks.length === 0;
  return (
    <>
      {liveQueries}
      <main className="popup" data-ready="true">
        <DbStatus />
        <header className="popup-header">
          <h1>Tokenwise</h1>
          <LocalChip />
        </header>

        <PauseNotice />

        <Suspense fallback={null}>{sites && <CurrentSite sites={sites} />}</Suspense>

        {noAccess.map((s) => (
          <div className="notice bad" role="status" key={s.origin} data-testid="no-access" data-site={s.origin}>
            <strong>{s.name}: no access.</strong> Tokenwise can&apos;t see this site, so nothing is counted there.{' '}
            <button type="button" className="small" onClick={() => void requestAccess(s.origin)}>
              Grant access
            </button>
          </div>
        ))}

        <Suspense fallback={null}>
          {problems.map((h) => (
            <HealthNotice key={h.site} health={h} />
          ))}
        </Suspense>

        {empty ? (
          <EmptyState />
        ) : (
          <>
            <div className="window-picker" role="group" aria-label="Period">
              {WINDOWS.map((w) => (
                <button
                  key={w.id}
                  type="button"
                  aria-pressed={win === w.id}
                  data-testid={`window-${w.id}`}
                  onClick={() => setWin(w.id)}
                >
                  {w.label}
                </button>
              ))}
            </div>

            <OutcomeFigures s={outcome} trend={data.win === 'today' ? undefined : trend} pricesAsOf={pricesAsOf} />

            <OutcomeQueue
              tasks={waiting.slice(0, QUEUE_SHOWN)}
              total={waiting.length}
              onMark={mark}
              error={markError}
              onOpen={(id) => openDashboard(`#task=${encodeURIComponent(id)}`)}
            />

            <Suspense fallback={<div className="chart-placeholder" aria-hidden="true" />}>
              <UsageChart series={usage.series} completed={completedPerDay(tasks, chartDays)} palette={palette} />
            </Suspense>

            {runs && <AgentRuns runs={runs} />}

            <SiteTable usage={week} />
            {/* The sites' own usage limits (Claude), from the health rows already read: no extra read. */}
            <Suspense fallback={null}>
              <SiteQuotas health={health} now={now} />
            </Suspense>
            <p className="legend-note">
              Plain numbers are the services&apos; own usage figures, or counted here with the real tokenizer where a
              service reports none (ChatGPT). <span className="estimate">≈</span> marks an estimate. Cost is what the
              same tokens would cost at public API prices (as of {pricesAsOf}); your company may pay differently.
            </p>
          </>
        )}
        <footer className="popup-footer">
          <button type="button" className="link" data-testid="open-dashboard" onClick={() => openDashboard()}>
            Dashboard
          </button>
          <button type="button" className="link" onClick={() => void browser.runtime.openOptionsPage()}>
            Settings &amp; sites
          </button>
        </footer>
      </main>
    </>
  );
}

function SiteTable({ usage }: { usage: ReturnType<typeof summariseUsage> }) {
  if (usage.bySite.length === 0) return null;
  return (
    <section aria-label="By site">
      <table className="sites">
        <thead>
          <tr>
            <th scope="col">Site</th>
            <th scope="col" className="num">
              Today
            </th>
            <th scope="col" className="num">
              7 days
            </th>
          </tr>
        </thead>
        <tbody>
          {usage.bySite.map((s) => (
            <tr key={s.site} data-site={s.site}>
              <th scope="row" title={s.site}>
                {siteLabel(s.site)}
              </th>
              <td className="num" data-testid="site-today">
                <TokenFigure value={s.today} size="small" />
              </td>
              <td className="num" data-testid="site-week">
                <TokenFigure value={s.week} size="small" />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {usage.backgroundWeek > 0 && (
        <p className="legend-note" data-testid="background-note">
          Includes {formatTokens(usage.backgroundWeek)} tokens of background calls this week (titles, summaries, agent
          steps you didn&apos;t send yourself).
        </p>
      )}
    </section>
  );
}

function EmptyState() {
  return (
    <section className="empty" data-testid="empty-state">
      <h2>No AI usage recorded yet</h2>
      <p>Tokenwise counts the tokens you spend in AI tools it tracks, and keeps the history in this browser only.</p>
      <ol>
        <li>Open an AI tool that Tokenwise tracks and send a message.</li>
        <li>Your tokens show up here within a second or two.</li>
      </ol>
      <p className="muted">
        To track your company&apos;s own AI tool, open it and click <strong>Track this site</strong> above, or add it
        under <strong>Settings &amp; sites</strong>.
      </p>
    </section>
  );
}
