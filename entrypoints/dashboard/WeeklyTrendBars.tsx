import { formatTokens } from '@/utils/format';
import type { WeekPoint } from '@/utils/task-metrics';
import { formatDay } from './when';

const monday = formatDay;

/**
 * Tokens per completed task, week by week, as tiny bars (plain CSS: no chart library on the first paint).
 * The current week is the last bar; weeks with nothing done are left empty, never drawn as zero.
 */
export function WeeklyTrendBars({ points }: { points: readonly WeekPoint[] }) {
  const max = Math.max(0, ...points.map((p) => p.tokensPerDone ?? 0));
  if (max === 0) return null;
  return (
    <div className="week-bars" aria-hidden="true">
      {points.map((p, i) => (
        <span
          key={p.week}
          className={`week-bar${i === points.length - 1 ? ' current' : ''}${p.tokensPerDone === null ? ' none' : ''}`}
          style={{ height: `${Math.max(8, ((p.tokensPerDone ?? 0) / max) * 100)}%` }}
          title={
            p.tokensPerDone === null
              ? `Week of ${monday(p.week)}: nothing marked done`
              : `Week of ${monday(p.week)}: ${formatTokens(Math.round(p.tokensPerDone))} tokens per task, ${p.done} done`
          }
        />
      ))}
    </div>
  );
}
