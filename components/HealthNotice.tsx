import type { SiteHealth } from '@/utils/records';
import { healthOf } from '@/utils/metrics';
import { siteName } from '@/utils/builtin-sites';

const time = (at: number) =>
  new Date(at).toLocaleString(undefined, { hour: '2-digit', minute: '2-digit', month: 'short', day: 'numeric' });

/** "Traffic seen but not recognised since …": a changed site is reported, never shown as zero. */
export function HealthNotice({ health }: { health: SiteHealth }) {
  const state = healthOf(health);
  if (state.kind !== 'unrecognised') return null;
  return (
    <div className="notice warn" role="status" data-testid="health-unrecognised" data-site={health.site}>
      <strong>
        {siteName(health.site)}: not recognised since {time(state.since)}.
      </strong>{' '}
      AI traffic was seen but matched no known format, so it is not counted.
    </div>
  );
}
