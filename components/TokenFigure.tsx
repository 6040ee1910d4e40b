import { formatTokens } from '@/utils/format';
import type { BySource } from '@/utils/metrics';

/**
 * A token total that never hides where it came from: counted tokens (exact from the service's own usage
 * figures, or tokenized locally) first, then any estimate apart, marked ≈.
 */
export function TokenFigure({ value, size = 'large' }: { value: BySource; size?: 'large' | 'small' }) {
  const counted = value.exact + value.tokenized;
  const hasEstimate = value.estimated > 0;
  const onlyEstimate = counted === 0 && hasEstimate;
  return (
    <span className={`figure figure-${size}`}>
      {onlyEstimate ? (
        <span className="estimate" title="Estimated: the service reported no usage">
          {formatTokens(value.estimated, true)}
        </span>
      ) : (
        <span title={describe(value)}>{formatTokens(counted)}</span>
      )}
      {hasEstimate && !onlyEstimate && (
        <span className="estimate-extra" title="Estimated: the service reported no usage for these calls">
          {' '}
          + {formatTokens(value.estimated, true)}
          {size === 'large' && ' estimated'}
        </span>
      )}
    </span>
  );
}

function describe(v: BySource): string {
  const parts = [`${formatTokens(v.exact)} exact (reported by the service)`];
  if (v.tokenized > 0) parts.push(`${formatTokens(v.tokenized)} tokenized locally`);
  if (v.estimated > 0) parts.push(`${formatTokens(v.estimated, true)} estimated`);
  return parts.join(', ');
}
