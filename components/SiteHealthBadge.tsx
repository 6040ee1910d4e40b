import { healthOf } from '@/utils/metrics';
import type { SiteHealth } from '@/utils/records';

const ago = (at: number, now = Date.now()) => {
  const s = Math.max(0, Math.round((now - at) / 1000));
  if (s < 60) return 'just now';
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86_400) return `${Math.round(s / 3600)} h ago`;
  return new Date(at).toLocaleDateString(undefined, { month: 'short', day: 'numeric' });
};

export type AccessState = 'active' | 'paused' | 'no-access';

/** One line that says whether a site is being counted, and if not, why — never a silent zero. */
export function SiteHealthBadge({ access, health }: { access: AccessState; health?: SiteHealth }) {
  if (access === 'no-access') {
    return (
      <span className="badge badge-bad" data-testid="site-state" data-state="no-access">
        No access
      </span>
    );
  }
  if (access === 'paused') {
    return (
      <span className="badge badge-muted" data-testid="site-state" data-state="paused">
        Paused
      </span>
    );
  }
  const h = healthOf(health);
  if (h.kind === 'unrecognised') {
    return (
      <span className="badge badge-warn" data-testid="site-state" data-state="unrecognised" title={h.contentType}>
        Not recognised since {new Date(h.since).toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'short' })}
      </span>
    );
  }
  if (h.kind === 'ok') {
    return (
      <span className="badge badge-good" data-testid="site-state" data-state="ok">
        Counting · last seen {ago(h.since)}
      </span>
    );
  }
  return (
    <span className="badge badge-muted" data-testid="site-state" data-state="waiting">
      Waiting for the first AI reply
    </span>
  );
}
