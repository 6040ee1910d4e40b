import { useEffect, useState, type FormEvent } from 'react';
import { useLiveQuery } from 'dexie-react-hooks';
import { browser } from '#imports';
import { getDb } from '@/utils/db';
import { parseSiteInput, type SiteKind } from '@/utils/sites-store';
import { originMatches, siteLabel } from '@/utils/sites';
import { requestAccess, sendToBackground, useSites, type SiteView } from '@/components/use-sites';
import { SiteHealthBadge } from '@/components/SiteHealthBadge';
import { builtInPatterns, builtinAdapters } from '@/utils/builtin-sites';
import { builtinSettingsItem, parseBuiltinSettings, setBuiltinEnabled } from '@/utils/builtin-settings';
import type { SiteAdapter } from '@/utils/adapters/types';
import type { SiteHealth } from '@/utils/records';

export function SiteList() {
  const sites = useSites();
  const health = useLiveQuery(() => getDb().health.toArray(), []);
  const healthOf = (origin: string) => health?.find((h) => h.site === origin);
  const apps = builtinAdapters();
  const appPatterns = new Set(apps.flatMap((a) => a.matches));
  // Patterns no adapter owns: the demo tool in demo builds.
  const builtIn = builtInPatterns().filter((p) => !appPatterns.has(p));
  const disabled = useDisabledBuiltins();

  return (
    <section className="card" aria-labelledby="sites-title">
      <h2 id="sites-title">Sites</h2>
      <p className="muted">
        Add your company&apos;s own AI chat and agent tools. Tokenwise asks the browser for access to exactly that site,
        and nothing else.
      </p>

      <AddSiteForm />

      <h3>Your AI tools</h3>
      {sites === undefined ? null : sites.length === 0 ? (
        <p className="muted" data-testid="no-user-sites">
          None yet. Add one above, or open the tool and use “Track this site” in the Tokenwise popup.
        </p>
      ) : (
        <ul className="site-list">
          {sites.map((s) => (
            <SiteRow key={s.origin} site={s} health={healthOf(s.origin)} />
          ))}
        </ul>
      )}

      {(apps.length > 0 || builtIn.length > 0) && (
        <>
          <h3>Built in</h3>
          <ul className="site-list">
            {apps.map((a) => (
              <AppRow
                key={a.id}
                adapter={a}
                enabled={!disabled?.includes(a.id)}
                health={health?.filter((h) => originMatches(h.site, [...a.matches])) ?? []}
              />
            ))}
            {builtIn.map((p) => (
              <BuiltInRow key={p} pattern={p} health={health?.filter((h) => originMatches(h.site, [p])) ?? []} />
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

/**
 * A built-in site. Chrome lets the user withhold even required site access ("on click"); then nothing is
 * counted there, and the row says so rather than showing zeros (reliability test 9).
 */
function BuiltInRow({ pattern, health }: { pattern: string; health: SiteHealth[] }) {
  const [access, setAccess] = useState<boolean>();
  useEffect(() => {
    let alive = true;
    // `contains` answers false for sites granted only through the manifest's content scripts; the list of
    // granted origins includes them, and drops them when the user withholds access.
    const check = () =>
      void browser.permissions
        .getAll()
        .then((all) => (all.origins ?? []).includes(pattern))
        .catch(() => false)
        .then((v) => alive && setAccess(v));
    check();
    browser.permissions.onAdded.addListener(check);
    browser.permissions.onRemoved.addListener(check);
    return () => {
      alive = false;
      browser.permissions.onAdded.removeListener(check);
      browser.permissions.onRemoved.removeListener(check);
    };
  }, [pattern]);
  // The most telling health record among the origins this pattern covers (a problem first).
  const shown = [...health].sort((a, b) => (b.lastUnrecognisedAt ?? 0) - (a.lastUnrecognisedAt ?? 0))[0];
  return (
    <li
      className="site-row"
      data-testid="builtin-site"
      data-pattern={pattern}
      data-access={access === false ? 'no-access' : 'active'}
    >
      <div className="site-main">
        <span className="site-name">{pattern.includes('127.0.0.1') ? 'Demo AI tool (this build only)' : pattern}</span>
        <span className="site-origin">{pattern}</span>
        {access !== undefined && <SiteHealthBadge access={access ? 'active' : 'no-access'} health={shown} />}
      </div>
      {access === false && (
        <div className="site-actions">
          <button type="button" className="primary" onClick={() => void requestAccess(pattern.replace(/\/\*$/, ''))}>
            Grant access
          </button>
        </div>
      )}
    </li>
  );
}

/** The built-in apps the person switched off, following changes; undefined while loading. */
function useDisabledBuiltins(): string[] | undefined {
  const [disabled, setDisabled] = useState<string[]>();
  useEffect(() => {
    let alive = true;
    void builtinSettingsItem.getValue().then((v) => alive && setDisabled(parseBuiltinSettings(v).disabled));
    const unwatch = builtinSettingsItem.watch((v) => setDisabled(parseBuiltinSettings(v).disabled));
    return () => {
      alive = false;
      unwatch();
    };
  }, []);
  return disabled;
}

/** The most telling health record among a site's origins (a problem first). */
const mostTelling = (health: SiteHealth[]) =>
  [...health].sort((a, b) => (b.lastUnrecognisedAt ?? 0) - (a.lastUnrecognisedAt ?? 0))[0];

/**
 * A built-in public AI app: its name, its health ("not recognised since …" when its traffic changed) and a
 * switch. Switched off, nothing is recorded there (the background refuses its facts).
 */
function AppRow({
  adapter,
  enabled: stored,
  health,
}: {
  adapter: SiteAdapter;
  enabled: boolean;
  health: SiteHealth[];
}) {
  const [error, setError] = useState<string>();
  // The switch follows a click at once (then agrees with the stored value); a failed save puts it back.
  const [wanted, setWanted] = useState<boolean>();
  const enabled = wanted ?? stored;
  const shown = mostTelling(health);
  return (
    <li className="site-row" data-testid="builtin-app" data-app={adapter.id} data-enabled={enabled ? 'true' : 'false'}>
      <div className="site-main">
        <span className="site-name">{adapter.name}</span>
        <span className="site-origin">{adapter.matches.map((m) => m.replace(/\/\*$/, '')).join(', ')}</span>
        {enabled ? (
          <SiteHealthBadge access="active" health={shown} />
        ) : (
          <span className="badge badge-muted" data-testid="site-state" data-state="off">
            Off: nothing is recorded here
          </span>
        )}
        {shown && healthOfState(shown) && enabled && (
          <span className="muted" data-testid="app-unrecognised">
            {adapter.name}: not recognised since {new Date(shown.lastUnrecognisedAt!).toLocaleString()}
          </span>
        )}
        {error && (
          <span className="form-status bad" role="alert">
            {error}
          </span>
        )}
      </div>
      <div className="site-actions">
        <label>
          <input
            type="checkbox"
            checked={enabled}
            data-testid="builtin-toggle"
            aria-label={`Count ${adapter.name}`}
            onChange={(e) => {
              const on = e.target.checked;
              setWanted(on);
              void setBuiltinEnabled(adapter.id, on).then(
                () => setError(undefined),
                () => {
                  setWanted(undefined);
                  setError('Could not save the setting.');
                },
              );
            }}
          />{' '}
          Count
        </label>
      </div>
    </li>
  );
}

const healthOfState = (h: SiteHealth) => (h.lastUnrecognisedAt ?? 0) > (h.lastRecognisedAt ?? 0);

function AddSiteForm() {
  const [address, setAddress] = useState('');
  const [name, setName] = useState('');
  const [kind, setKind] = useState<SiteKind>('chat');
  const [status, setStatus] = useState<{ tone: 'good' | 'bad'; text: string }>();

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    const parsed = parseSiteInput(address);
    if (!parsed.ok) return setStatus({ tone: 'bad', text: parsed.error });
    // The permission request must be the first await in the click, or the browser rejects it.
    const granted = await requestAccess(parsed.origin);
    if (!granted) {
      return setStatus({
        tone: 'bad',
        text: `Access to ${siteLabel(parsed.origin)} was not granted, so it is not tracked. You can try again any time.`,
      });
    }
    const res = await sendToBackground({
      type: 'add-site',
      origin: parsed.origin,
      kind,
      ...(name.trim() ? { name: name.trim().slice(0, 80) } : {}),
    });
    if (!res.ok) return setStatus({ tone: 'bad', text: res.error ?? 'Could not add the site.' });
    setStatus({
      tone: 'good',
      text: `Tracking ${siteLabel(parsed.origin)}. Reload its open tabs to start counting there.`,
    });
    setAddress('');
    setName('');
  }

  return (
    <form className="add-site" onSubmit={(e) => void onSubmit(e)} aria-label="Add a site">
      <label className="field grow">
        <span>Address</span>
        <input
          id="site-address"
          type="text"
          inputMode="url"
          placeholder="https://ai.example.com"
          value={address}
          onChange={(e) => setAddress(e.target.value)}
          autoComplete="off"
          spellCheck={false}
        />
      </label>
      <label className="field">
        <span>Name (optional)</span>
        <input id="site-name" type="text" value={name} onChange={(e) => setName(e.target.value)} maxLength={80} />
      </label>
      <label className="field">
        <span>Kind</span>
        <select id="site-kind" value={kind} onChange={(e) => setKind(e.target.value as SiteKind)}>
          <option value="chat">Chat</option>
          <option value="agent">Agent</option>
        </select>
      </label>
      <button id="add-site" type="submit" className="primary">
        Add site
      </button>
      {status && (
        <p className={`form-status ${status.tone}`} role="status" data-testid="add-site-status">
          {status.text}
        </p>
      )}
    </form>
  );
}

function SiteRow({ site, health }: { site: SiteView; health?: SiteHealth }) {
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(site.name);
  const [error, setError] = useState<string>();
  const access = !site.access ? 'no-access' : site.paused ? 'paused' : 'active';

  const update = async (patch: { name?: string; kind?: SiteKind; paused?: boolean }) => {
    const res = await sendToBackground({ type: 'update-site', origin: site.origin, ...patch });
    setError(res.ok ? undefined : res.error);
  };
  const grant = async () => {
    if (await requestAccess(site.origin)) setError(undefined);
    else setError('Access was not granted.');
  };
  const remove = async () => {
    if (!confirm(`Stop tracking ${site.name}? Its recorded history stays until you delete it.`)) return;
    const res = await sendToBackground({ type: 'remove-site', origin: site.origin });
    if (!res.ok) setError(res.error);
  };

  return (
    <li className="site-row" data-testid="user-site" data-origin={site.origin} data-access={access}>
      <div className="site-main">
        {editing ? (
          <form
            className="rename"
            onSubmit={(e) => {
              e.preventDefault();
              const name = draft.trim();
              if (name) void update({ name });
              setEditing(false);
            }}
          >
            <input
              aria-label="Site name"
              value={draft}
              maxLength={80}
              autoFocus
              onChange={(e) => setDraft(e.target.value)}
              onBlur={() => setEditing(false)}
            />
          </form>
        ) : (
          <span className="site-name">{site.name}</span>
        )}
        <span className="site-origin">{site.origin}</span>
        <SiteHealthBadge access={access} health={health} />
        {error && (
          <span className="form-status bad" role="alert">
            {error}
          </span>
        )}
      </div>
      <div className="site-actions">
        {access === 'no-access' ? (
          <button type="button" className="primary" onClick={() => void grant()} data-testid="grant-access">
            Grant access
          </button>
        ) : (
          <button type="button" onClick={() => void update({ paused: !site.paused })} data-testid="pause-site">
            {site.paused ? 'Resume' : 'Pause'}
          </button>
        )}
        <select
          aria-label={`Kind of ${site.name}`}
          value={site.kind}
          onChange={(e) => void update({ kind: e.target.value as SiteKind })}
        >
          <option value="chat">Chat</option>
          <option value="agent">Agent</option>
        </select>
        <button
          type="button"
          onClick={() => {
            setDraft(site.name);
            setEditing(true);
          }}
        >
          Rename
        </button>
        <button type="button" className="danger" onClick={() => void remove()} data-testid="remove-site">
          Remove
        </button>
      </div>
    </li>
  );
}
