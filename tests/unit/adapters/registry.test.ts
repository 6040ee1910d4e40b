// The meta-test (STYLE.md §2): every adapter file is registered, has fixtures and a test file, every selector
// key is exercised in its test, and the manifest's built-in sites are exactly the registry's.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ADAPTERS } from '@/utils/adapters';
import { BUILTIN_MATCHES } from '@/utils/sites';

const root = new URL('../../../', import.meta.url);
const NOT_ADAPTERS = new Set(['types.ts', 'shared.ts', 'index.ts']);
const files = readdirSync(new URL('utils/adapters/', root)).filter(
  (f) => f.endsWith('.ts') && !NOT_ADAPTERS.has(f) && !f.startsWith('.'),
);

describe('adapter registry', () => {
  it('lists every adapter file, once, under its file name', () => {
    expect(ADAPTERS.map((a) => `${a.id}.ts`).sort()).toEqual([...files].sort());
    expect(new Set(ADAPTERS.map((a) => a.id)).size).toBe(ADAPTERS.length);
  });

  it('gives the manifest exactly the registry’s match patterns (utils/sites.ts BUILTIN_MATCHES)', () => {
    expect([...BUILTIN_MATCHES]).toEqual(ADAPTERS.flatMap((a) => a.matches));
  });

  describe.each(ADAPTERS.map((a) => [a.id, a] as const))('%s', (id, adapter) => {
    const testFile = new URL(`tests/unit/adapters/${id}.test.ts`, root);

    it('has a fixture folder with at least one fixture', () => {
      const dir = new URL(`tests/fixtures/${id}/`, root);
      expect(existsSync(dir), `tests/fixtures/${id}/`).toBe(true);
      expect(readdirSync(dir).length).toBeGreaterThan(0);
    });

    it('has a test file that uses its fixtures', () => {
      expect(existsSync(testFile), `tests/unit/adapters/${id}.test.ts`).toBe(true);
      expect(readFileSync(testFile, 'utf8')).toMatch(/fixture/i);
    });

    it('tests every selector key', () => {
      const src = existsSync(testFile) ? readFileSync(testFile, 'utf8') : '';
      for (const key of Object.keys(adapter.selectors)) expect(src, `selector "${key}"`).toContain(key);
    });

    it('reads some traffic, is named, and matches only https pages of its own site', () => {
      expect(adapter.name).toBeTruthy();
      expect(adapter.traffic.length).toBeGreaterThan(0);
      for (const m of adapter.matches) expect(m).toMatch(/^https:\/\/[a-z0-9.-]+\/\*$/);
    });
  });
});
