import { useEffect, useState } from 'react';
import { browser } from '#imports';
import { DIAGNOSE_PORT, SeenEvent } from '@/utils/diagnose-messages';
import { buildDiagnoseReport } from '@/utils/diagnose-report';
import { formatTokens } from '@/utils/format';
import { isBuiltInOrigin } from '@/utils/builtin-sites';
import { requestAccess, sendToBackground, useSites } from '@/components/use-sites';

type Phase = { kind: 'starting' } | { kind: 'listening' } | { kind: 'failed'; error: string };

/**
 * Live diagnostic for one tab: injects a listening copy of the hook (allowed by activeTab, which the
 * browser granted when the user clicked the toolbar button) and shows each response the page receives,
 * which format it matched or why none did, and what would be recorded. Nothing is stored.
 */
export function App({ tabId }: { tabId: number }) {
  const [origin, setOrigin] = useState<string>();
  const [phase, setPhase] = useState<Phase>({ kind: 'starting' });
  const [events, setEvents] = useState<SeenEvent[]>([]);
  const [note, setNote] = useState<string>();
  const sites = useSites();

  useEffect(() => {
    const onConnect = (port: Browser.runtime.Port) => {
      if (port.name !== DIAGNOSE_PORT || port.sender?.tab?.id !== tabId) return;
      port.onMessage.addListener((msg: unknown) => {
        const parsed = SeenEvent.safeParse(msg);
        if (parsed.success) setEvents((list) => [parsed.data, ...list].slice(0, 500));
      });
    };
    browser.runtime.onConnect.addListener(onConnect);
    void (async () => {
      try {
        // The URL is visible with activeTab; where access comes from elsewhere, ask the page itself.
        const tab = await browser.tabs.get(tabId);
        const [probe] = tab.url
          ? [{ result: new URL(tab.url).origin }]
          : await browser.scripting.executeScript({ target: { tabId }, func: () => location.origin });
        const tabOrigin = typeof probe?.result === 'string' ? probe.result : '';
        if (!/^https?:/.test(tabOrigin)) throw new Error('This tab is not a web page.');
        setOrigin(tabOrigin);
        await browser.scripting.executeScript({ target: { tabId }, files: ['/diagnose-relay.js'] });
        await browser.scripting.executeScript({ target: { tabId }, files: ['/diagnose-hook.js'], world: 'MAIN' });
        setPhase({ kind: 'listening' });
      } catch (e) {
        setPhase({
          kind: 'failed',
          error:
            e instanceof Error && /permission|access/i.test(e.message)
              ? 'Tokenwise may not look at this tab. Click the Tokenwise toolbar button on the AI tool’s tab, then “Test this site”.'
              : e instanceof Error
                ? e.message
                : String(e),
        });
      }
    })();
    return () => browser.runtime.onConnect.removeListener(onConnect);
  }, [tabId]);

  const matched = events.filter((e) => e.outcome === 'matched');
  const builtIn = origin !== undefined && isBuiltInOrigin(origin);
  const tracked = builtIn || (origin !== undefined && sites?.some((s) => s.origin === origin && s.access));

  async function addSite() {
    if (!origin) return;
    if (!(await requestAccess(origin))) return setNote('Access was not granted, so the site was not added.');
    const res = await sendToBackground({ type: 'add-site', origin });
    setNote(res.ok ? 'Added. Reload the AI tool’s tab to start counting.' : (res.error ?? 'Could not add the site.'));
  }

  async function copyReport() {
    const text = buildDiagnoseReport(origin ?? '(unknown)', events, {
      extensionVersion: browser.runtime.getManifest().version,
      userAgent: navigator.userAgent,
    });
    await navigator.clipboard.writeText(text);
    setNote('Report copied. It contains no message text, no query strings, no headers and no cookies.');
  }

  return (
    <main className="diagnose" data-phase={phase.kind}>
      <header>
        <h1>Test this site</h1>
        <p className="muted">{origin ?? '…'}</p>
      </header>
      {phase.kind === 'failed' ? (
        <p className="notice warn" role="alert">
          {phase.error}
        </p>
      ) : (
        <p className="steps">
          {phase.kind === 'starting' ? 'Connecting to the tab…' : 'Listening.'} Now send a message in the AI tool (or
          run an agent). Each response the page receives appears below. <strong>Nothing is recorded.</strong>
        </p>
      )}

      <section className="verdict" aria-live="polite" data-testid="verdict">
        {matched.length > 0 ? (
          <span className="good">
            Recognised: {[...new Set(matched.flatMap((e) => e.facts ?? []).map((f) => f.format))].join(', ')}. Tokenwise
            can count this site.
          </span>
        ) : events.length > 0 ? (
          <span className="warn">Responses seen, none recognised yet.</span>
        ) : (
          <span className="muted">No responses yet.</span>
        )}
        <span className="actions">
          {!tracked && origin && (
            <button type="button" className="primary" onClick={() => void addSite()} data-testid="diagnose-add">
              Add this site
            </button>
          )}
          <button type="button" onClick={() => void copyReport()} disabled={events.length === 0}>
            Copy report
          </button>
        </span>
      </section>
      {note && (
        <p className="note" role="status">
          {note}
        </p>
      )}

      <table className="seen" data-testid="seen-table">
        <thead>
          <tr>
            <th scope="col">Request</th>
            <th scope="col">Content type</th>
            <th scope="col">Result</th>
          </tr>
        </thead>
        <tbody>
          {events.map((e, i) => (
            <tr key={`${e.at}-${i}`} data-outcome={e.outcome}>
              <td>
                <span className="method">{e.method}</span> {e.url}
              </td>
              <td>{e.contentType || '—'}</td>
              <td>
                <Outcome event={e} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </main>
  );
}

function Outcome({ event: e }: { event: SeenEvent }) {
  if (e.outcome === 'matched') {
    return (
      <>
        {(e.facts ?? []).map((f, i) => (
          <div key={i} className="good">
            {f.format}
            {f.model ? ` · ${f.model}` : ''} · {formatTokens(f.inputTokens, f.source === 'estimated')} in /{' '}
            {formatTokens(f.outputTokens, f.source === 'estimated')} out ({f.source}
            {f.background ? ', background call' : ''}
            {f.runStatus ? `, run ${f.runStatus}` : ''})
          </div>
        ))}
      </>
    );
  }
  if (e.outcome === 'unrecognised') return <span className="warn">Read, but {e.reason ?? 'no known format'}</span>;
  return <span className="muted">Not read: {e.reason ?? 'not a model call'}</span>;
}
