// Reliability test 6: the manifests ask for exactly the approved permissions, and nothing that would let
// the extension reach other sites or be reached from them.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const read = (dir: string) => JSON.parse(readFileSync(`.output/${dir}/manifest.json`, 'utf8'));

const APPROVED_PERMISSIONS = ['activeTab', 'alarms', 'scripting', 'storage'];
const FORBIDDEN = ['tabs', 'webRequest', 'webRequestBlocking', 'cookies', 'history', '<all_urls>', 'debugger'];

describe.each(['chrome-mv3', 'firefox-mv3'])('%s release manifest', (dir) => {
  const m = read(dir);

  it('asks for only the approved permissions', () => {
    expect([...m.permissions].sort()).toEqual(APPROVED_PERMISSIONS);
    expect(m.host_permissions ?? []).toEqual([]);
    expect(m.optional_host_permissions).toEqual(['*://*/*']);
  });

  it('has nothing that lets other sites or extensions talk to it', () => {
    expect(m.externally_connectable).toBeUndefined();
    expect(m.web_accessible_resources).toBeUndefined();
    const all = JSON.stringify(m);
    for (const word of FORBIDDEN) expect(all).not.toContain(`"${word}"`);
  });

  it('keeps the default extension-page CSP (no remote code, no eval)', () => {
    const csp = m.content_security_policy?.extension_pages;
    if (csp !== undefined) expect(csp).not.toMatch(/unsafe-eval|https?:/);
  });

  it('does not track the demo host in the release build', () => {
    expect(JSON.stringify(m.content_scripts ?? [])).not.toMatch(/127\.0\.0\.1|localhost/);
  });
});

describe('browser-specific settings', () => {
  it('gives Firefox its gecko id, minimum version and "no data collected" declaration', () => {
    const gecko = read('firefox-mv3').browser_specific_settings.gecko;
    expect(gecko.id).toMatch(/@/);
    expect(gecko.strict_min_version).toBe('142.0');
    expect(gecko.data_collection_permissions.required).toEqual(['none']);
  });

  it('keeps Firefox-only keys out of the Chrome manifest', () => {
    expect(read('chrome-mv3').browser_specific_settings).toBeUndefined();
  });

  it('tracks the demo tool on loopback in the demo build only, with the hook in the MAIN world first', () => {
    const cs = read('chrome-mv3-demo').content_scripts;
    expect(cs).toEqual([
      {
        matches: ['http://127.0.0.1/*'],
        js: ['page-hook.js'],
        run_at: 'document_start',
        world: 'MAIN',
      },
      { matches: ['http://127.0.0.1/*'], js: ['relay.js'], run_at: 'document_start' },
    ]);
  });
});
