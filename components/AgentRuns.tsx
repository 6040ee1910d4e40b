import { formatTokens } from '@/utils/format';
import type { RunSummary } from '@/utils/metrics';
import { siteLabel } from '@/utils/sites';

const STATUS_LABEL = { running: 'Running', completed: 'Completed', failed: 'Failed', cancelled: 'Cancelled' } as const;

/**
 * Agent runs act on the user's behalf, so each shows what it did: tool calls counted by name (never their
 * arguments), with the status the tool itself reported.
 */
export function AgentRuns({ runs }: { runs: RunSummary[] }) {
  if (runs.length === 0) return null;
  return (
    <section className="runs" aria-label="Agent runs">
      <h2>Agent runs</h2>
      <ul>
        {runs.slice(0, 5).map((r) => (
          <li key={`${r.site}|${r.runId}`} data-testid="agent-run" data-run-id={r.runId} data-status={r.status ?? ''}>
            <details>
              <summary>
                <span className="run-name" title={r.runId}>
                  {r.name ?? r.runId}
                </span>
                {r.status && <span className={`run-status run-${r.status}`}>{STATUS_LABEL[r.status]}</span>}
                <span className="run-tokens">{formatTokens(r.tokens, r.source === 'estimated')}</span>
              </summary>
              <div className="run-detail">
                <div className="muted">
                  {siteLabel(r.site)} · {r.calls} {r.calls === 1 ? 'record' : 'calls'}
                </div>
                {r.tools.length > 0 ? (
                  <ul className="run-tools" aria-label="What the run did">
                    {r.tools.map(([name, n]) => (
                      <li key={name}>
                        <code>{name}</code> ×{n}
                      </li>
                    ))}
                  </ul>
                ) : (
                  <div className="muted">No tool calls seen.</div>
                )}
              </div>
            </details>
          </li>
        ))}
      </ul>
    </section>
  );
}
