import { formatTokens } from '@/utils/format';

/** Tokens the services reported, with the estimated ones beside them (≈), never added in unannounced. */
export function TokensHeadline({ exact, estimated }: { exact: number; estimated: number }) {
  const onlyEstimate = exact === 0 && estimated > 0;
  return (
    <span className="figure figure-large">
      {onlyEstimate ? (
        <span className="estimate" title="Estimated: the services reported no usage">
          {formatTokens(estimated, true)}
        </span>
      ) : (
        <span title="Reported by the services themselves">{formatTokens(exact)}</span>
      )}
      {estimated > 0 && !onlyEstimate && (
        <span className="estimate-extra" title="Estimated or counted locally: the service reported no usage">
          + {formatTokens(estimated, true)} estimated
        </span>
      )}
    </span>
  );
}
