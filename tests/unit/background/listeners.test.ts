// Reliability test 4 (static half): MV3 only delivers an event that woke the worker to listeners that
// exist when the worker's first task ends, so every addListener must run synchronously at start-up.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const DIR = 'entrypoints/background';
const source = (f: string) => readFileSync(`${DIR}/${f}`, 'utf8');

describe('background listeners', () => {
  it('the entry point only calls setup functions, with nothing awaited', () => {
    const main = source('index.ts');
    expect(main).not.toMatch(/\bawait\b|\.then\(/);
    const calls = [...main.matchAll(/^\s+(setup\w+)\(\);$/gm)].map((m) => m[1]);
    expect(calls.length).toBeGreaterThanOrEqual(3);
  });

  it.each(readdirSync(DIR).filter((f) => f.endsWith('.ts') && f !== 'index.ts'))(
    '%s registers listeners only in synchronous setup functions, before any await',
    (file) => {
      const text = source(file);
      for (const m of text.matchAll(/export (async )?function (setup\w+)\([^)]*\)[^{]*\{([\s\S]*?)\n\}/g)) {
        const [, isAsync, name, body] = m;
        expect(isAsync, `${name} must not be async`).toBeUndefined();
        const firstListener = body!.indexOf('addListener');
        const firstAwait = body!.search(/\bawait\b/);
        if (firstListener >= 0 && firstAwait >= 0) expect(firstListener, name).toBeLessThan(firstAwait);
      }
      // Listeners outside setup functions would be registered at import, or late: neither is allowed.
      const outside = text.replace(/export function setup\w+\([^)]*\)[^{]*\{[\s\S]*?\n\}/g, '');
      expect(outside).not.toContain('addListener');
    },
  );
});
