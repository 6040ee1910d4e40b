import Dexie from 'dexie';
import { useLiveQuery } from 'dexie-react-hooks';
import { getDb } from '@/utils/db';
import { lastDays } from '@/utils/day';
import { healthOf, summariseRuns, summariseUsage, type RunSummary, type UsageSummary } from '@/utils/metrics';
import { AgentRuns } from '@/components/AgentRuns';
import type { SiteHealth } from '@/utils/records';
import { siteLabel } from '@/utils/sites';
import { lazy, Suspense } from 'react';

// Chart.js is the largest part of the popup: load it after the numbers are on screen, not before.
const UsageChart = lazy(() => import('@/components/UsageChart').then((m) => ({ default: m.UsageChart })));
import { TokenFigure } from '@/components/TokenFigure';
import { HealthNotice } from '@/components/HealthNotice';
import { useThemePalette } from '@/components/use-theme-palette';
import { CurrentSite } from '@/components/CurrentSite';
import { requestAccess, useSites } from '@/components/use-sites';
import { browser } from '#imports';
import { formatTokens } from '@/utils/format';

interface PopupData {
  summary: UsageSummary;
  health: SiteHealth[];
  runs: RunSummary[];
}

/** Reads only the last 7 days of rollups and runs: O(days × sites), whatever the history's size. */
async function loadPopupData(): Promise<PopupData> {
  const days = lastDays(7);
  const db = getDb();
  const [rows, health, runTurns] = await Promise.all([
    db.daily.where('day').between(days[0]!, days[6]!, true, true).toArray(),
    db.health.toArray(),
    // Only rows that name an agent run are in this index, so this stays small whatever the history.
    db.turns.where('[day+runId]').between([days[0]!, Dexie.minKey], [days[6]!, Dexie.maxKey], true, true).toArray(),
  ]);
  return { summary: summariseUsage(rows, days), health, runs: summariseRuns(runTurns) };
}

export function App() {
  const data = useLiveQuery(loadPopupData, []);
  const sites = useSites();
  const palette = useThemePalette();
  if (!data || !sites) return <main className="popup" aria-busy="true" />;
  const { summary, health } = data;
  const noAccess = sites.filter((s) => !s.access);
  const paused = new Set(sites.filter((s) => s.paused || !s.access).map((s) => s.origin));
  const problems = health.filter((h) => healthOf(h).kind === 'unrecognised' && !paused.has(h.site));
  const empty = summary.bySite.length === 0;
  return (
    <main className="popup" data-ready="true">
      <header className="popup-header">
        <h1>Tokenwise</h1>
        <span className="local-chip" title="Your usage history is stored only in this browser">
          <LockIcon /> On this device only
        </span>
      </header>

      <CurrentSite sites={sites} />

      {noAccess.map((s) => (
        <div className="notice bad" role="status" key={s.origin} data-testid="no-access" data-site={s.origin}>
          <strong>{s.name}: no access.</strong> Tokenwise can&apos;t see this site, so nothing is counted there.{' '}
          <button type="button" className="small" onClick={() => void requestAccess(s.origin)}>
            Grant access
          </button>
        </div>
      ))}

      {problems.map((h) => (
        <HealthNotice key={h.site} health={h} />
      ))}

      {empty ? (
        <EmptyState />
      ) : (
        <>
          <section className="totals" aria-label="Totals">
            <div className="total" data-testid="total-today">
              <h2>Tokens today</h2>
              <TokenFigure value={summary.today} />
            </div>
            <div className="total" data-testid="total-week">
              <h2>Tokens, 7 days</h2>
              <TokenFigure value={summary.week} />
            </div>
          </section>

          <Suspense fallback={<div className="chart-placeholder" aria-hidden="true" />}>
            <UsageChart series={summary.series} palette={palette} />
          </Suspense>

          <AgentRuns runs={data.runs} />

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
                {summary.bySite.map((s) => (
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
          </section>
          {summary.backgroundWeek > 0 && (
            <p className="legend-note" data-testid="background-note">
              Includes {formatTokens(summary.backgroundWeek)} tokens of background calls this week (titles, summaries,
              agent steps you didn&apos;t send yourself).
            </p>
          )}
          <p className="legend-note">
            Plain numbers are the services' own usage figures. <span className="estimate">≈</span> marks an estimate,
            where a service reported none.
          </p>
        </>
      )}
      <footer className="popup-footer">
        <button type="button" className="link" onClick={() => void browser.runtime.openOptionsPage()}>
          Settings &amp; sites
        </button>
      </footer>
    </main>
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

function LockIcon() {
  return (
    <svg width="11" height="11" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
      <path
        fill="currentColor"
        d="M8 1a3.5 3.5 0 0 0-3.5 3.5V6H4a1.5 1.5 0 0 0-1.5 1.5v6A1.5 1.5 0 0 0 4 15h8a1.5 1.5 0 0 0 1.5-1.5v-6A1.5 1.5 0 0 0 12 6h-.5V4.5A3.5 3.5 0 0 0 8 1Zm2 5H6V4.5a2 2 0 1 1 4 0V6Z"
      />
    </svg>
  );
}
