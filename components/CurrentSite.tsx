import { useEffect, useState } from 'react';
import { browser } from '#imports';
import { siteLabel } from '@/utils/sites';
import { isBuiltInOrigin } from '@/utils/builtin-sites';
import { requestAccess, sendToBackground, type SiteView } from './use-sites';

type TabInfo = { id?: number; origin: string } | null;

/** The active tab's origin. Readable only because the user just clicked the toolbar button (activeTab). */
function useActiveTabOrigin(): TabInfo | undefined {
  const [tab, setTab] = useState<TabInfo>();
  useEffect(() => {
    void browser.tabs
      .query({ active: true, currentWindow: true })
      .then(([t]) => {
        const url = t?.url ? new URL(t.url) : undefined;
        setTab(url && /^https?:$/.test(url.protocol) ? { id: t?.id, origin: url.origin } : null);
      })
      .catch(() => setTab(null));
  }, []);
  return tab;
}

/** "Track this site" for the current tab, or what Tokenwise is doing there. */
export function CurrentSite({ sites }: { sites: SiteView[] }) {
  const tab = useActiveTabOrigin();
  const [message, setMessage] = useState<{ tone: 'good' | 'bad'; text: string; reload?: boolean }>();
  if (!tab) return null;
  const builtIn = isBuiltInOrigin(tab.origin);
  const site = sites.find((s) => s.origin === tab.origin);
  const host = siteLabel(tab.origin);

  async function track() {
    if (!tab) return;
    const granted = await requestAccess(tab.origin); // first await of the click: keeps the user gesture
    if (!granted) return setMessage({ tone: 'bad', text: `Access to ${host} was not granted.` });
    const res = await sendToBackground({ type: 'add-site', origin: tab.origin });
    setMessage(
      res.ok
        ? { tone: 'good', text: `Tracking ${host}. Reload the page to start counting.`, reload: true }
        : { tone: 'bad', text: res.error ?? 'Could not add the site.' },
    );
  }

  let body;
  if (builtIn) body = <span className="muted">Tokenwise tracks {host}.</span>;
  else if (site && !site.access)
    body = (
      <>
        <span className="bad-text">No access to {site.name}: nothing is counted there.</span>
        <button type="button" className="small" onClick={() => void requestAccess(site.origin)}>
          Grant access
        </button>
      </>
    );
  else if (site?.paused) body = <span className="muted">{site.name} is paused.</span>;
  else if (site) body = <span className="muted">Tracking {site.name}.</span>;
  else
    body = (
      <>
        <span className="muted">Not tracked: {host}</span>
        <button type="button" className="small primary" onClick={() => void track()} data-testid="track-this-site">
          Track this site
        </button>
      </>
    );

  const openDiagnostic = () => {
    if (tab.id === undefined) return;
    void browser.windows
      .create({ url: browser.runtime.getURL(`/diagnose.html?tab=${tab.id}`), type: 'popup', width: 760, height: 640 })
      .then(() => window.close());
  };

  return (
    <section className="current-site" aria-label="This tab" data-testid="current-site">
      <div className="current-site-row">{body}</div>
      <div className="current-site-row">
        <span className="muted">Not sure Tokenwise understands this tool?</span>
        <button type="button" className="small" onClick={openDiagnostic} data-testid="test-this-site">
          Test this site
        </button>
      </div>
      {message && (
        <div className={`current-site-message ${message.tone}`} role="status">
          {message.text}
          {message.reload && tab.id !== undefined && (
            <button type="button" className="small" onClick={() => void browser.tabs.reload(tab.id!)}>
              Reload
            </button>
          )}
        </div>
      )}
    </section>
  );
}
