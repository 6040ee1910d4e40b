import type { OutcomeSummary } from '@/utils/task-metrics';
import { formatTokens, formatUsd } from '@/utils/format';
import { TokenFigure } from './TokenFigure';

/** "22 % fewer tokens per completed task than your usual week": the person against their own past only. */
export function trendWords(ratio: number | null): string | undefined {
  if (ratio === null || !Number.isFinite(ratio)) return undefined;
  const pct = Math.round(Math.abs(1 - ratio) * 100);
  if (pct < 5) return 'about the same as your usual week';
  return `${pct}% ${ratio < 1 ? 'fewer' : 'more'} than your usual week`;
}

/**
 * Spend against work for one window: tokens (counted apart from estimated), API-equivalent cost, tasks done,
 * tokens per completed task, and what led nowhere. Lower tokens per completed task is better; nothing here
 * grows when more is spent for its own sake.
 */
export function OutcomeFigures({
  s,
  trend,
  pricesAsOf,
}: {
  s: OutcomeSummary;
  trend?: number | null;
  pricesAsOf: string;
}) {
  const trendText = trend === undefined ? undefined : trendWords(trend);
  const done = s.tasks.done;
  return (
    <dl className="figures" aria-label="Spend and work">
      <div className="fig" data-testid="total-window">
        <dt>Tokens</dt>
        <dd>
          <TokenFigure value={s.tokens} />
        </dd>
      </div>
      <div className="fig" data-testid="cost-window">
        <dt>API-equivalent cost</dt>
        <dd title={`At public API prices as of ${pricesAsOf}`}>
          <span className="figure figure-large">{formatUsd(s.costUsd)}</span>
          {s.unpricedTokens > 0 && (
            <span className="sub muted"> + {formatTokens(s.unpricedTokens)} tokens with no known price</span>
          )}
        </dd>
      </div>
      <div className="fig" data-testid="tasks-done">
        <dt>Tasks done</dt>
        <dd>
          <span className="figure figure-large">{done}</span>
          <span className="sub muted">
            {' '}
            of {s.tasks.total}
            {s.tasks.partial > 0 && `, ${s.tasks.partial} partly`}
          </span>
        </dd>
      </div>
      <div className="fig" data-testid="tokens-per-done">
        <dt>Tokens per completed task</dt>
        <dd>
          {s.tokensPerDone === null ? (
            <span className="muted">No task marked done yet</span>
          ) : (
            <>
              <span className="figure figure-large">{formatTokens(Math.round(s.tokensPerDone))}</span>
              {s.costPerDone !== null && <span className="sub muted"> · {formatUsd(s.costPerDone)}</span>}
              {trendText && (
                <span className="sub trend" data-testid="trend">
                  {trendText}
                </span>
              )}
            </>
          )}
        </dd>
      </div>
      <div className="fig wide" data-testid="waste">
        <dt>Spend that led nowhere</dt>
        <dd>
          <span className="figure">{formatTokens(s.waste.total)}</span>
          {s.waste.total > 0 && <span className="sub muted"> tokens: {wasteParts(s.waste).join(', ')}</span>}
        </dd>
      </div>
    </dl>
  );
}

function wasteParts(w: OutcomeSummary['waste']): string[] {
  const parts: [number, string][] = [
    [w.abandoned, 'abandoned'],
    [w.unfinished, 'never finished'],
    [w.unattended, 'left running'],
    [w.retries, 'retries'],
    [w.background, 'background calls'],
  ];
  return parts.filter(([n]) => n > 0).map(([n, what]) => `${formatTokens(n)} ${what}`);
}
