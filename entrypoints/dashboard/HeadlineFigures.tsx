import { asOf } from '@/utils/prices.json';
import { formatTokens, formatUsd } from '@/utils/format';
import type { OutcomeSummary, WeekPoint } from '@/utils/task-metrics';
import { describeTrend } from './headline-text';
import { TokenFigure } from '@/components/TokenFigure';
import { WasteBreakdown } from './WasteBreakdown';
import { WeeklyTrendBars } from './WeeklyTrendBars';

// Only the date is imported (a named JSON import), so the price table itself stays out of this page's bundle.
const PRICES_AS_OF = new Date(`${asOf}T12:00:00`).toLocaleDateString(undefined, {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
});

/**
 * The range at a glance: what was spent, what it would cost at API prices, what got done, and what it took
 * per completed task against the person's own usual week. Lower tokens per completed task is better;
 * nothing here grows when more is spent for its own sake.
 */
export function HeadlineFigures({
  summary,
  weeks,
  trend,
  onShowNeedsOutcome,
}: {
  summary: OutcomeSummary;
  /** Undefined while the earlier weeks are still being read. */
  weeks: readonly WeekPoint[] | undefined;
  trend: number | null | undefined;
  onShowNeedsOutcome: () => void;
}) {
  const { tokens, tasks } = summary;
  const trendText = trend === undefined ? undefined : describeTrend(trend);
  return (
    <section className="headlines" aria-label="This range at a glance">
      <div className="headline" data-testid="dash-tokens">
        <h2>Tokens</h2>
        <TokenFigure value={tokens} />
      </div>

      <div className="headline" data-testid="dash-cost">
        <h2>API-equivalent cost</h2>
        <span className="figure figure-large">{formatUsd(summary.costUsd)}</span>
        {summary.unpricedTokens > 0 && (
          <span className="sub" data-testid="dash-unpriced">
            no price for {formatTokens(summary.unpricedTokens)} tokens
          </span>
        )}
        <span className="sub muted">prices as of {PRICES_AS_OF}</span>
      </div>

      <div className="headline" data-testid="dash-tasks-done">
        <h2>Tasks done</h2>
        <span className="figure figure-large">{tasks.done}</span>
        <span className="sub muted">
          of {tasks.total} · {tasks.partial} partial · {tasks.abandoned} abandoned · {tasks.open} open
        </span>
        {summary.needOutcome > 0 && (
          <button type="button" className="link sub" onClick={onShowNeedsOutcome} data-testid="dash-needs-outcome">
            {summary.needOutcome} {summary.needOutcome === 1 ? 'task is' : 'tasks are'} ready to mark
          </button>
        )}
      </div>

      <div className="headline" data-testid="dash-tokens-per-done">
        <h2>Tokens per completed task</h2>
        {summary.tokensPerDone === null ? (
          <span className="sub muted">No task marked done in this range yet</span>
        ) : (
          <span className="figure figure-large">
            {formatTokens(Math.round(summary.tokensPerDone))}
            {summary.costPerDone !== null && (
              <span className="estimate-extra muted"> {formatUsd(summary.costPerDone)} each</span>
            )}
          </span>
        )}
        {weeks && <WeeklyTrendBars points={weeks} />}
        <span className="sub" data-testid="dash-trend" aria-busy={weeks === undefined}>
          {weeks === undefined
            ? 'Comparing with your usual week…'
            : trendText
              ? `This week: ${trendText}`
              : 'Not enough completed tasks yet to compare with your usual week'}
        </span>
      </div>

      <WasteBreakdown waste={summary.waste} rangeTokens={tokens.total} />
    </section>
  );
}
