/**
 * A task's tokens over time: running totals of the person's own turns and of hidden (background) calls.
 * Running totals rather than one bar per turn: they stay readable for an agent run of thousands of calls,
 * and thinning them out keeps the total and the shape (every kept point is exact).
 */
import type { Turn } from '@/utils/records';

export interface TurnSeries {
  at: number[];
  own: number[];
  hidden: number[];
}

export function cumulativeTokens(turns: readonly Turn[], maxPoints = 120): TurnSeries {
  const sorted = [...turns].sort((a, b) => a.at - b.at);
  const full: TurnSeries = { at: [], own: [], hidden: [] };
  let own = 0;
  let hidden = 0;
  for (const t of sorted) {
    const n = t.inputTokens + t.outputTokens;
    if (t.background) hidden += n;
    else own += n;
    full.at.push(t.at);
    full.own.push(own);
    full.hidden.push(hidden);
  }
  const n = full.at.length;
  if (n <= maxPoints || maxPoints < 2) return full;
  const picked: TurnSeries = { at: [], own: [], hidden: [] };
  for (let k = 0; k < maxPoints; k++) {
    const i = Math.round((k * (n - 1)) / (maxPoints - 1)); // first and last always kept
    picked.at.push(full.at[i]!);
    picked.own.push(full.own[i]!);
    picked.hidden.push(full.hidden[i]!);
  }
  return picked;
}
