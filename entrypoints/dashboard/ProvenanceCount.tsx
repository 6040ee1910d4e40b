import { formatTokens } from '@/utils/format';
import type { Turn } from '@/utils/records';

/** A count with its provenance: plain when the service reported it, ≈ when estimated, "t" when tokenized here. */
export function ProvenanceCount({ n, source }: { n: number; source: Turn['source'] }) {
  if (source === 'estimated')
    return (
      <span className="estimate" title="Estimated: the service reported no usage">
        {formatTokens(n, true)}
      </span>
    );
  if (source === 'tokenized')
    return (
      <span title="Counted locally with a tokenizer">
        {formatTokens(n)}
        <sup className="mark">t</sup>
      </span>
    );
  return <span title="Reported by the service">{formatTokens(n)}</span>;
}
