// PRIVACY.md cannot drift from the code: every stored thing in utils/stored-data.ts (the registry the
// "What Tokenwise stores" page is generated from), every storage key the code defines, and every permission
// and match pattern of the built manifests must be named in it, in `code` style.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';

// The registry's schemas sit beside WXT storage items; only the schemas are needed here.
vi.mock('#imports', () => ({ storage: { defineItem: () => ({}) }, browser: {} }));
const { STORED } = await import('../../utils/stored-data');

const doc = readFileSync('PRIVACY.md', 'utf8');
const named = (name: string) => doc.includes(`\`${name}\``);

describe('PRIVACY.md', () => {
  it.each(STORED.map((s) => [s.name, s.place]))('lists the stored %s (%s) in its table', (name, place) => {
    const cells = doc
      .split('\n')
      .map((l) => l.split('|').map((c) => c.trim()))
      .find((c) => c[0] === '' && c[1] === `\`${name}\``);
    expect(cells, `PRIVACY.md has no table row for \`${name}\` (utils/stored-data.ts)`).toBeDefined();
    expect(cells![2], `where \`${name}\` is stored`).toBe(place);
    expect(cells![3]!.length, `what \`${name}\` is`).toBeGreaterThan(20);
  });

  it('names every storage item the code defines', () => {
    const missing = storageKeys().filter((k) => !named(k));
    expect(missing, 'storage keys the code defines but PRIVACY.md does not name').toEqual([]);
  });

  it.each(['chrome-mv3', 'firefox-mv3'])('explains every permission and site of the %s manifest', (dir) => {
    const path = `.output/${dir}/manifest.json`;
    if (!existsSync(path)) throw new Error(`No ${path}: run \`npm run build && npm run build:firefox\` first.`);
    const m = JSON.parse(readFileSync(path, 'utf8')) as Manifest;
    const asked = [
      ...(m.permissions ?? []),
      ...(m.optional_permissions ?? []),
      ...(m.host_permissions ?? []),
      ...(m.optional_host_permissions ?? []),
      ...(m.content_scripts ?? []).flatMap((c) => c.matches),
      ...Object.keys(m.browser_specific_settings?.gecko ?? {}).filter((k) => k.endsWith('_permissions')),
    ];
    expect(asked.length).toBeGreaterThan(0);
    expect([...new Set(asked)].filter((p) => !named(p))).toEqual([]);
  });
});

interface Manifest {
  permissions?: string[];
  optional_permissions?: string[];
  host_permissions?: string[];
  optional_host_permissions?: string[];
  content_scripts?: { matches: string[] }[];
  browser_specific_settings?: { gecko?: Record<string, unknown> };
}

/** Keys of `storage.defineItem('local:key')` in the shipped code, `${CONST}` resolved within the file. */
function storageKeys(): string[] {
  const keys: string[] = [];
  for (const f of ['utils', 'entrypoints', 'components'].flatMap(sourceFiles)) {
    const text = readFileSync(f, 'utf8');
    for (const m of text.matchAll(
      /defineItem\s*(?:<[^(]*>)?\(\s*[`'"](?:local|session|sync|managed):([^`'"]+)[`'"]/g,
    )) {
      const key = m[1]!.replace(/\$\{(\w+)\}/g, (_, id: string) => {
        const value = new RegExp(`const ${id}\\s*=\\s*['"\`]([^'"\`]+)['"\`]`).exec(text)?.[1];
        if (!value) throw new Error(`${f}: cannot resolve \${${id}} in a storage key`);
        return value;
      });
      keys.push(key);
    }
  }
  expect(keys, 'found no storage items: has the way they are defined changed?').toContain('settings');
  return [...new Set(keys)];
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return sourceFiles(p);
    return /\.tsx?$/.test(f) && !/\.test\.tsx?$/.test(f) ? [p] : [];
  });
}
