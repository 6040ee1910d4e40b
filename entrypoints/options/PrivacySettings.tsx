import { useEffect, useState } from 'react';
import { useLiveQuery } from 'dexie-react-hooks';
import { browser } from '#imports';
import { getDb } from '@/utils/db';
import { siteTextSummary } from '@/utils/text-summary';
import { siteLabel } from '@/utils/sites';
import { isBuiltInOrigin } from '@/utils/builtin-sites';
import {
  DEFAULT_SITE_PRIVACY,
  isPaused,
  pauseFor,
  RETENTION_DEFAULT_DAYS,
  RETENTION_MAX_DAYS,
  sitePrivacy,
  type PauseChoice,
  type PrivacySettings as Settings,
  type SitePrivacy,
} from '@/utils/settings';
import { useSettings } from '@/components/use-settings';
import { useSites } from '@/components/use-sites';

/**
 * The privacy settings in plain words: what is kept per site, a pause for everything, private windows and
 * how long history is kept. Changes apply at once (the background follows the stored settings).
 */
export function PrivacySettings() {
  const [settings, change] = useSettings();
  if (!settings) return null;
  return (
    <section className="card privacy" aria-labelledby="privacy-title" data-testid="privacy-settings">
      <h2 id="privacy-title">Privacy</h2>
      <p className="muted">
        By default Tokenwise keeps counts and metadata only: token numbers, model names, times, and the page&apos;s
        title as a task&apos;s name. It never keeps what you type or what the AI replies unless you turn that on for a
        site below. Nothing leaves this browser.{' '}
        <a href={browser.runtime.getURL('/stored.html')} target="_blank" rel="noreferrer" data-testid="what-is-stored">
          What Tokenwise stores, field by field
        </a>
      </p>
      <PauseControl settings={settings} change={change} />
      <SiteChoices settings={settings} change={change} />
      <PrivateWindows settings={settings} change={change} />
      {/* Keyed by the stored value, so a change made elsewhere resets what is typed. */}
      <Retention key={String(settings.retentionDays)} settings={settings} change={change} />
    </section>
  );
}

type Change = (fn: (s: Settings) => Settings) => Promise<void>;

function PauseControl({ settings, change }: { settings: Settings; change: Change }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    // A timed pause ends by itself: re-render when it does.
    const until = settings.pause?.until;
    if (!until || until <= Date.now()) return;
    const t = setTimeout(() => setNow(Date.now()), Math.min(until - Date.now() + 50, 2 ** 31 - 1));
    return () => clearTimeout(t);
  }, [settings.pause, now]);
  const paused = isPaused(settings, now);
  const pause = (choice: PauseChoice) => change((s) => ({ ...s, pause: pauseFor(choice) }));
  return (
    <>
      <h3>Pause</h3>
      <div className="setting-row" role="group" aria-labelledby="pause-status">
        <p id="pause-status" className={paused ? 'status paused' : 'status'} data-testid="pause-status" role="status">
          {paused ? pauseDescription(settings.pause!.until) : 'Tracking is on for the sites below.'}
        </p>
        <div className="button-row">
          {paused ? (
            <button
              type="button"
              className="primary"
              onClick={() => void change((s) => ({ ...s, pause: null }))}
              data-testid="resume"
            >
              Resume tracking
            </button>
          ) : (
            <>
              <button type="button" onClick={() => void pause('hour')} data-testid="pause-hour">
                Pause for 1 hour
              </button>
              <button type="button" onClick={() => void pause('tomorrow')} data-testid="pause-tomorrow">
                Pause until tomorrow
              </button>
              <button type="button" onClick={() => void pause('resumed')} data-testid="pause-resumed">
                Pause until I resume
              </button>
            </>
          )}
        </div>
      </div>
    </>
  );
}

export function pauseDescription(until: number | null): string {
  if (until === null) return 'Tracking is paused on every site until you resume it.';
  const d = new Date(until);
  const time = d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  const today = d.toDateString() === new Date().toDateString();
  return `Tracking is paused on every site until ${today ? time : `${d.toLocaleDateString()} ${time}`}.`;
}

/** Every site Tokenwise runs on: the person's own tools, and built-in sites it has seen traffic from. */
function useKnownOrigins(): string[] | undefined {
  const sites = useSites();
  const seen = useLiveQuery(() => getDb().health.toCollection().primaryKeys(), []);
  if (!sites || !seen) return undefined;
  const builtIn = (seen as string[]).filter((o) => isBuiltInOrigin(o) && !sites.some((s) => s.origin === o));
  return [...sites.map((s) => s.origin), ...builtIn.sort()];
}

/** Per site with text on: how many texts are kept and how many things the redactor took out of them. */
function useTextCounts(sites: string[]) {
  return useLiveQuery(async () => {
    const out = new Map<string, { texts: number; redacted: number }>();
    for (const site of sites) {
      const { texts, redactions } = await siteTextSummary(getDb(), site);
      out.set(site, { texts, redacted: Object.values(redactions).reduce((a, b) => a + b, 0) });
    }
    return out;
  }, [sites.join('\n')]);
}

function SiteChoices({ settings, change }: { settings: Settings; change: Change }) {
  const origins = useKnownOrigins();
  const textCounts = useTextCounts(Object.keys(settings.sites).filter((o) => settings.sites[o]!.storeText));
  const set = (origin: string, patch: Partial<SitePrivacy>) =>
    change((s) => ({ ...s, sites: { ...s.sites, [origin]: { ...sitePrivacy(s, origin), ...patch } } }));
  const toggleText = (origin: string, on: boolean) => {
    if (
      on &&
      !confirm(
        `Keep what you type and the replies on ${siteLabel(origin)}?\n\n` +
          'The text is stored in this browser only, after API keys, tokens, passwords in links, e-mail addresses ' +
          'and card numbers are removed. Turning this off deletes the text kept for this site.',
      )
    )
      return;
    void set(origin, { storeText: on });
  };
  return (
    <>
      <h3>Per site</h3>
      {origins === undefined ? null : origins.length === 0 ? (
        <p className="muted">No sites yet: add one under Sites.</p>
      ) : (
        <table className="privacy-sites">
          <thead>
            <tr>
              <th scope="col">Site</th>
              <th scope="col">Keep page titles</th>
              <th scope="col">Keep prompt and reply text</th>
            </tr>
          </thead>
          <tbody>
            {origins.map((origin) => {
              const p = settings.sites[origin] ?? DEFAULT_SITE_PRIVACY;
              return (
                <tr key={origin} data-testid="privacy-site" data-origin={origin}>
                  <th scope="row">{siteLabel(origin)}</th>
                  <td>
                    <input
                      type="checkbox"
                      checked={p.keepTitles}
                      aria-label={`Keep page titles on ${siteLabel(origin)}`}
                      data-testid="keep-titles"
                      onChange={(e) => void set(origin, { keepTitles: e.target.checked })}
                    />
                  </td>
                  <td>
                    <input
                      type="checkbox"
                      checked={p.storeText}
                      aria-label={`Keep prompt and reply text on ${siteLabel(origin)}`}
                      data-testid="store-text"
                      onChange={(e) => toggleText(origin, e.target.checked)}
                    />
                    {p.storeText && textCounts?.get(origin) && (
                      <span className="muted small text-count" data-testid="text-count">
                        {' '}
                        {plural(textCounts.get(origin)!.texts, 'text')} kept,{' '}
                        {plural(textCounts.get(origin)!.redacted, 'item')} redacted
                      </span>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <p className="muted small">
        Titles name your tasks (&ldquo;Quarterly report&rdquo;); without them tasks are named after the site and date.
        Text is off everywhere unless you turn it on here, one site at a time.
      </p>
    </>
  );
}

function PrivateWindows({ settings, change }: { settings: Settings; change: Change }) {
  const [allowed, setAllowed] = useState<boolean>();
  useEffect(() => {
    void browser.extension
      .isAllowedIncognitoAccess()
      .then(setAllowed)
      .catch(() => setAllowed(undefined));
  }, []);
  return (
    <>
      <h3>Private windows</h3>
      <label className="check">
        <input
          type="checkbox"
          checked={settings.trackIncognito}
          data-testid="track-incognito"
          onChange={(e) => void change((s) => ({ ...s, trackIncognito: e.target.checked }))}
        />
        Count AI use in private (incognito) windows
      </label>
      <p className="muted small">
        Off by default.{' '}
        {allowed === false
          ? 'The browser does not let Tokenwise run in private windows at all, so nothing is counted there either way.'
          : 'The browser must also allow Tokenwise in private windows (in its extension details).'}
      </p>
    </>
  );
}

function Retention({ settings, change }: { settings: Settings; change: Change }) {
  const forever = settings.retentionDays === null;
  const [draft, setDraft] = useState(String(settings.retentionDays ?? RETENTION_DEFAULT_DAYS));
  const [error, setError] = useState<string>();
  const apply = () => {
    const n = Number(draft);
    if (!Number.isInteger(n) || n < 1 || n > RETENTION_MAX_DAYS) {
      setError(`Enter a whole number of days from 1 to ${RETENTION_MAX_DAYS.toLocaleString('en-US')}.`);
      return;
    }
    setError(undefined);
    if (n === settings.retentionDays) return;
    if (
      settings.retentionDays !== null &&
      n < settings.retentionDays &&
      !confirm(`Delete history older than ${n} days now? This cannot be undone (export it first to keep a copy).`)
    ) {
      setDraft(String(settings.retentionDays));
      return;
    }
    void change((s) => ({ ...s, retentionDays: n }));
  };
  return (
    <>
      <h3>History</h3>
      <fieldset className="retention">
        <legend className="sr-only">How long to keep history</legend>
        <label className="check">
          <input
            type="radio"
            name="retention"
            checked={!forever}
            data-testid="retention-days-choice"
            onChange={() => void change((s) => ({ ...s, retentionDays: Number(draft) || RETENTION_DEFAULT_DAYS }))}
          />
          Keep history for
          <input
            type="number"
            className="days"
            min={1}
            max={RETENTION_MAX_DAYS}
            value={draft}
            disabled={forever}
            aria-label="Days of history to keep"
            data-testid="retention-days"
            onChange={(e) => setDraft(e.target.value)}
            onBlur={apply}
            onKeyDown={(e) => e.key === 'Enter' && apply()}
          />
          days, then delete it
        </label>
        <label className="check">
          <input
            type="radio"
            name="retention"
            checked={forever}
            data-testid="retention-forever"
            onChange={() => void change((s) => ({ ...s, retentionDays: null }))}
          />
          Keep history forever
        </label>
        {error && (
          <p className="form-status bad" role="alert">
            {error}
          </p>
        )}
      </fieldset>
    </>
  );
}

const plural = (n: number, word: string) => `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;
