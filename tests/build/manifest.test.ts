// Reliability test 6: the manifests ask for exactly the approved permissions, and nothing that would let
// the extension reach other sites or be reached from them.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const read = (dir: string) => JSON.parse(readFileSync(`.output/${dir}/manifest.json`, 'utf8'));

const APPROVED_PERMISSIONS = ['activeTab', 'alarms', 'scripting', 'storage'];
/** The built-in public AI apps (utils/adapters/): the only pages the release build runs on by itself. */
const APPROVED_BUILTINS = [
  'https://chatgpt.com/*',
  'https://chat.openai.com/*',
  'https://claude.ai/*',
  'https://gemini.google.com/*',
  'https://copilot.microsoft.com/*',
  'https://www.perplexity.ai/*',
];
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

  it('runs by itself on exactly the approved built-in sites, hook in the MAIN world first', () => {
    expect(m.content_scripts).toEqual([
      { matches: APPROVED_BUILTINS, js: ['page-hook.js'], run_at: 'document_start', world: 'MAIN' },
      { matches: APPROVED_BUILTINS, js: ['relay.js'], run_at: 'document_start' },
    ]);
  });
});

/** Width and height from a PNG's IHDR chunk. */
const pngSize = (path: string) => {
  const b = readFileSync(path);
  expect(b.subarray(1, 4).toString('latin1'), `${path} is a PNG`).toBe('PNG');
  return [b.readUInt32BE(16), b.readUInt32BE(20)];
};

describe.each(['chrome-mv3', 'firefox-mv3'])('%s icons', (dir) => {
  const m = read(dir);

  it('lists an icon for every size the stores and toolbars ask for, each a PNG of that size', () => {
    const sizes = ['16', '32', '48', '96', '128'];
    expect(Object.keys(m.icons).sort((a, b) => +a - +b)).toEqual(sizes);
    for (const size of sizes) expect(pngSize(`.output/${dir}/${m.icons[size]}`)).toEqual([+size, +size]);
  });

  it('gives the toolbar button its own small icons', () => {
    expect(m.action.default_icon).toEqual({ 16: 'icon/16.png', 32: 'icon/32.png' });
    for (const [size, file] of Object.entries(m.action.default_icon as Record<string, string>)) {
      expect(pngSize(`.output/${dir}/${file}`)).toEqual([+size, +size]);
    }
  });
});

describe.each(['chrome-mv3', 'firefox-mv3'])('%s pages', (dir) => {
  it('never assign HTML from a value (React DOM ships without dangerouslySetInnerHTML: build/no-raw-html.ts)', () => {
    const chunks = readdirSync(`.output/${dir}/chunks`).filter((f) => f.endsWith('.js'));
    const code = chunks.map((f) => readFileSync(`.output/${dir}/chunks/${f}`, 'utf8')).join('\n');
    expect(code).toContain('dangerouslySetInnerHTML is not available in Tokenwise');
    expect(code.match(/\.innerHTML\s*=\s*[\w$]/g) ?? []).toEqual([]);
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
    const matches = [...APPROVED_BUILTINS, 'http://127.0.0.1/*'];
    expect(cs).toEqual([
      { matches, js: ['page-hook.js'], run_at: 'document_start', world: 'MAIN' },
      { matches, js: ['relay.js'], run_at: 'document_start' },
    ]);
  });
});

describe('the o200k tokenizer (issue 6)', () => {
  const file = (dir: string, f: string) => readFileSync(`.output/${dir}/${f}`, 'utf8');
  it('ships its rank table as a data file, outside the worker and the content scripts', () => {
    const ranks = JSON.parse(file('chrome-mv3', 'o200k_base.json')) as unknown[];
    expect(ranks.length).toBeGreaterThan(199_000);
    // a rare merge from the table's end must appear in none of the scripts
    const probe = JSON.stringify(ranks[ranks.length - 1]);
    for (const f of ['background.js', 'page-hook.js', 'relay.js']) {
      expect(file('chrome-mv3', f)).not.toContain(probe);
      expect(file('chrome-mv3', f).length).toBeLessThan(400_000);
    }
    // the encoder itself runs in the background only
    expect(file('chrome-mv3', 'background.js')).toContain('o200k_base');
    for (const f of ['page-hook.js', 'relay.js']) expect(file('chrome-mv3', f)).not.toContain('o200k_base');
  });
});

describe('what the content scripts carry', () => {
  const file = (f: string) => readFileSync(`.output/chrome-mv3/${f}`, 'utf8');
  it('no Zod: they check page messages with hand-written guards, and every tracked page loads them', () => {
    for (const f of ['page-hook.js', 'relay.js']) expect(file(f)).not.toContain('__zod_globalConfig');
    // the pages and the worker do validate with Zod
    expect(file('background.js')).toContain('__zod_globalConfig');
  });
});
