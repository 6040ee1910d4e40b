// Firefox's match patterns cannot name a port (a pattern with one matches no page), so there a site's
// pattern covers its whole host (utils/sites.ts). Two sites on one host then share one grant and one pair
// of scripts: removing one must not take the other's access or scripts away.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { handleSiteMessage } from '@/entrypoints/background/sites';
import { syncRegistrations } from '@/entrypoints/background/registration';
import { isTrackedOrigin } from '@/entrypoints/background/tracked';
import { originPattern } from '@/utils/sites';
import { installFakePermissions, installFakeScripting } from '../fakes';

vi.mock('@/utils/sites', async (importOriginal) => {
  const real = await importOriginal<typeof import('@/utils/sites')>();
  return { ...real, originPattern: (origin: string) => real.originPattern(origin, true) };
});

const A = 'http://localhost:3000';
const B = 'http://localhost:4000';
let perms: ReturnType<typeof installFakePermissions>;
let scripts: ReturnType<typeof installFakeScripting>;

beforeEach(() => {
  perms = installFakePermissions();
  scripts = installFakeScripting();
  vi.spyOn(fakeBrowser.runtime, 'getManifest').mockReturnValue({
    manifest_version: 3,
    name: 'Tokenwise',
    version: '0.1.0',
  });
});

describe('originPattern', () => {
  it('keeps the port for Chromium and drops it for Firefox', async () => {
    const { originPattern: real } = await vi.importActual<typeof import('@/utils/sites')>('@/utils/sites');
    expect(real('http://localhost:3000', false)).toBe('http://localhost:3000/*');
    expect(real('http://localhost:3000', true)).toBe('http://localhost/*');
    expect(real('https://ai.acme.example', true)).toBe('https://ai.acme.example/*');
    expect(real('https://[::1]:8443', true)).toBe('https://[::1]/*');
  });
});

describe('two sites on one host in Firefox', () => {
  beforeEach(async () => {
    perms.granted.add(originPattern(A)); // http://localhost/*
    expect(await handleSiteMessage({ type: 'add-site', origin: A })).toEqual({ ok: true });
    expect(await handleSiteMessage({ type: 'add-site', origin: B })).toEqual({ ok: true });
  });

  it('registers one pair of scripts for the host, so the hook and relay run once per page', async () => {
    expect([...scripts.values()].map((s) => [s.id, s.matches])).toEqual([
      [`tw-hook@${A}`, ['http://localhost/*']],
      [`tw-relay@${A}`, ['http://localhost/*']],
    ]);
  });

  it('only the listed ports are tracked', async () => {
    expect(await isTrackedOrigin(A)).toBe(true);
    expect(await isTrackedOrigin(B)).toBe(true);
    expect(await isTrackedOrigin('http://localhost:5000')).toBe(false);
  });

  it('removing one keeps the access and scripts the other needs; removing both gives the access back', async () => {
    await handleSiteMessage({ type: 'remove-site', origin: A });
    expect(perms.granted.has('http://localhost/*')).toBe(true);
    expect([...scripts.keys()].sort()).toEqual([`tw-hook@${B}`, `tw-relay@${B}`]);
    expect(await isTrackedOrigin(B)).toBe(true);
    await handleSiteMessage({ type: 'remove-site', origin: B });
    expect(perms.granted.has('http://localhost/*')).toBe(false);
    await syncRegistrations();
    expect([...scripts.keys()]).toEqual([]);
  });
});
