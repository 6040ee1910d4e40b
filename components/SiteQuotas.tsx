import type { SiteHealth } from '@/utils/records';
import { siteName } from '@/utils/builtin-sites';
import { currentQuota, describeWindow } from '@/utils/quota';

const time = (at: number) =>
  new Date(at).toLocaleString(undefined, { hour: '2-digit', minute: '2-digit', month: 'short', day: 'numeric' });

/**
 * The usage limits the sites report themselves (Claude's 5-hour and weekly windows), one line per site, labelled
 * as the site's own figure: they are not Tokenwise's counts. Read from the health rows the popup already has.
 */
export function SiteQuotas({ health, now }: { health: readonly SiteHealth[]; now: number }) {
  const rows = health.flatMap((h) => {
    const windows = currentQuota(h, now);
    return windows.length && h.quota ? [{ h, windows, at: h.quota.at }] : [];
  });
  if (rows.length === 0) return null;
  return (
    <section aria-label="Limits the sites report" className="site-quotas">
      {rows.map(({ h, windows, at }) => (
        <p
          key={h.site}
          className="legend-note"
          data-testid="site-quota"
          data-site={h.site}
          title={`As ${siteName(h.site)} reported it with a reply at ${time(at)}; not counted by Tokenwise.`}
        >
          <strong>{siteName(h.site)} (its own figure):</strong> {windows.map((w) => describeWindow(w, now)).join(' · ')}
        </p>
      ))}
    </section>
  );
}
