import { formatTokens } from '@/utils/format';
import type { Waste } from '@/utils/task-metrics';
import { percentOf, WASTE_REASONS } from './headline-text';

/**
 * Spend that led nowhere, by reason, as one bar split into its reasons and a list with the figures. Shown
 * plainly so the person can act on it (mark tasks, stop a forgotten agent), never as a score.
 */
export function WasteBreakdown({ waste, rangeTokens }: { waste: Waste; rangeTokens: number }) {
  return (
    <div className="headline headline-wide" data-testid="dash-waste">
      <h2>Spend that led nowhere</h2>
      <p className="figure-row">
        <span className="figure figure-large">{formatTokens(waste.total)}</span>{' '}
        <span className="muted">
          tokens
          {rangeTokens > 0 &&
            waste.total > 0 &&
            ` — ${percentOf(waste.total, rangeTokens)} of all tokens in this range`}
        </span>
      </p>
      {waste.total > 0 && (
        <div className="waste-bar" aria-hidden="true">
          {WASTE_REASONS.map(({ key, label }) =>
            waste[key] > 0 ? (
              <span
                key={key}
                className={`waste-${key}`}
                style={{ flexGrow: waste[key] }}
                title={`${label}: ${formatTokens(waste[key])} tokens`}
              />
            ) : null,
          )}
        </div>
      )}
      <ul className="waste-list">
        {WASTE_REASONS.map(({ key, label, explain }) => (
          <li key={key} data-reason={key} className={waste[key] > 0 ? '' : 'zero'}>
            <span className={`swatch waste-${key}`} aria-hidden="true" />
            <span className="waste-label">
              {label} <span className="muted">— {explain}</span>
            </span>
            <span className="num">{formatTokens(waste[key])}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}
