import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { handleSiteMessage } from '@/entrypoints/background/sites';
import { syncRegistrations } from '@/entrypoints/background/registration';
import { isTrackedOrigin } from '@/entrypoints/background/tracked';
import { getTrackedSites, parseSiteInput } from '@/utils/sites-store';
import { installFakePermissions, installFakeScripting } from '../fakes';

const ACME = 'https://ai.acme.example';
let perms: ReturnType<typeof installFakePermissions>;
let scripts: ReturnType<typeof installFakeScripting>;

beforeEach(() => {
  perms = installFakePermissions();
  scripts = installFakeScripting([
    { id: 'wxt:content-scripts/dev.js', matches: ['http://localhost/*'], js: ['dev.js'] }, // not ours
  ]);
  vi.spyOn(fakeBrowser.runtime, 'getManifest').mockReturnValue({
    manifest_version: 3,
    name: 'Tokenwise',
    version: '0.1.0',
    content_scripts: [{ matches: ['http://127.0.0.1/*'], js: ['relay.js'] }],
  });
});

const ids = () => [...scripts.keys()].sort();

describe('adding a site', () => {
  it('refuses until the browser has granted access, and stores nothing', async () => {
    expect(await handleSiteMessage({ type: 'add-site', origin: ACME })).toMatchObject({ ok: false });
    expect(await getTrackedSites()).toEqual([]);
    expect(ids()).toEqual(['wxt:content-scripts/dev.js']);
  });

  it('stores the site and registers the MAIN-world hook and the relay for exactly that origin', async () => {
    perms.granted.add(`${ACME}/*`);
    expect(await handleSiteMessage({ type: 'add-site', origin: ACME, kind: 'agent' }, 1000)).toEqual({ ok: true });
    expect(await getTrackedSites()).toEqual([
      { origin: ACME, name: 'ai.acme.example', kind: 'agent', paused: false, addedAt: 1000 },
    ]);
    expect(scripts.get(`tw-hook@${ACME}`)).toMatchObject({
      matches: [`${ACME}/*`],
      js: ['page-hook.js'],
      world: 'MAIN',
      runAt: 'document_start',
    });
    expect(scripts.get(`tw-relay@${ACME}`)).toMatchObject({ matches: [`${ACME}/*`], js: ['relay.js'] });
    expect(await isTrackedOrigin(ACME)).toBe(true);
  });

  it('refuses a site a built-in entry already covers (the hook would run twice)', async () => {
    perms.granted.add('http://127.0.0.1:3000/*');
    expect(await handleSiteMessage({ type: 'add-site', origin: 'http://127.0.0.1:3000' })).toMatchObject({
      ok: false,
      error: 'Tokenwise already tracks this site.',
    });
  });
});

describe('changing and removing a site', () => {
  beforeEach(async () => {
    perms.granted.add(`${ACME}/*`);
    await handleSiteMessage({ type: 'add-site', origin: ACME });
  });

  it('renames and changes the kind', async () => {
    await handleSiteMessage({ type: 'update-site', origin: ACME, name: 'Acme Assist', kind: 'agent' });
    expect((await getTrackedSites())[0]).toMatchObject({ name: 'Acme Assist', kind: 'agent' });
  });

  it('pausing stops injection and tracking; resuming restores both', async () => {
    await handleSiteMessage({ type: 'update-site', origin: ACME, paused: true });
    expect(ids()).toEqual(['wxt:content-scripts/dev.js']);
    expect(await isTrackedOrigin(ACME)).toBe(false);
    await handleSiteMessage({ type: 'update-site', origin: ACME, paused: false });
    expect(ids()).toContain(`tw-hook@${ACME}`);
  });

  it('removing unregisters the scripts and gives the access back', async () => {
    await handleSiteMessage({ type: 'remove-site', origin: ACME });
    expect(await getTrackedSites()).toEqual([]);
    expect(ids()).toEqual(['wxt:content-scripts/dev.js']);
    expect(perms.granted.has(`${ACME}/*`)).toBe(false);
  });
});

describe('syncRegistrations', () => {
  it('follows the permissions actually granted: revoked → unregistered and untracked; granted again → back', async () => {
    perms.granted.add(`${ACME}/*`);
    await handleSiteMessage({ type: 'add-site', origin: ACME });
    perms.granted.delete(`${ACME}/*`); // the user revoked access in the browser's own UI
    await syncRegistrations();
    expect(ids()).toEqual(['wxt:content-scripts/dev.js']);
    expect(await isTrackedOrigin(ACME)).toBe(false);
    expect(await getTrackedSites()).toHaveLength(1); // still listed, shown as "no access"
    perms.granted.add(`${ACME}/*`);
    await syncRegistrations();
    expect(ids()).toContain(`tw-relay@${ACME}`);
  });

  it('re-registers what a browser restart dropped, and is idempotent', async () => {
    perms.granted.add(`${ACME}/*`);
    await handleSiteMessage({ type: 'add-site', origin: ACME });
    scripts.clear();
    await Promise.all([syncRegistrations(), syncRegistrations(), syncRegistrations()]);
    expect(ids()).toEqual([`tw-hook@${ACME}`, `tw-relay@${ACME}`]);
  });
});

describe('parseSiteInput', () => {
  it.each([
    ['ai.acme.example', 'https://ai.acme.example'],
    ['  https://ai.acme.example/chat?x=1 ', 'https://ai.acme.example'],
    ['http://localhost:3000/app', 'http://localhost:3000'],
    ['http://intranet:8080', 'http://intranet:8080'],
    ['HTTPS://AI.Acme.Example', 'https://ai.acme.example'],
  ])('%s → %s', (input, origin) => {
    expect(parseSiteInput(input)).toEqual({ ok: true, origin });
  });

  it.each(['', 'ftp://files.acme.example', 'javascript:alert(1)', 'http://', 'not a url at all'])(
    'rejects %j with a reason',
    (input) => {
      const r = parseSiteInput(input);
      expect(r.ok).toBe(false);
    },
  );
});
