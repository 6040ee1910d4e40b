import { formatTokens } from '@/utils/format';
import type { Slice } from './breakdowns';
import { percentOf } from './headline-text';

/** A breakdown's figures as a list under its chart: the legend, and the numbers for anyone who wants them. */
export function SliceList({ slices }: { slices: readonly Slice[] }) {
  const total = slices.reduce((n, s) => n + s.tokens, 0);
  return (
    <ul className="slice-list">
      {slices.map((s) => (
        <li key={s.key} data-key={s.key}>
          <span className="slice-label" title={s.label}>
            {s.label}
          </span>
          <span className="num">{formatTokens(s.tokens, s.estimated === s.tokens)}</span>
          <span className="num muted share">{percentOf(s.tokens, total)}</span>
        </li>
      ))}
    </ul>
  );
}
