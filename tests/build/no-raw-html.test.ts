// build/no-raw-html.ts against the React DOM actually installed: both of its builds lose the innerHTML
// assignment, and a React DOM that no longer matches stops the build instead of shipping it unnoticed.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { noRawHtml } from '@/build/no-raw-html';

type Transform = (this: { error(m: string): never }, code: string, id: string) => { code: string } | undefined;
const transform = noRawHtml().transform as Transform;
const context = {
  error(message: string): never {
    throw new Error(message);
  },
};

describe.each(['production', 'development'])('React DOM client (%s)', (kind) => {
  const id = resolve(`node_modules/react-dom/cjs/react-dom-client.${kind}.js`);
  const code = readFileSync(id, 'utf8');

  it('keeps no assignment of a value to innerHTML; dangerouslySetInnerHTML throws instead', () => {
    const out = transform.call(context, code, id)!.code;
    expect(code).toMatch(/domElement\.innerHTML = key/);
    expect(out).not.toMatch(/domElement\.innerHTML = key/);
    // What ships is the production build: there, no innerHTML is set from a value at all. (The development
    // build also sets it in a hydration-warning helper that only runs while hydrating server markup.)
    if (kind === 'production') expect(out).not.toMatch(/\.innerHTML = (?!["'`])/);
    expect(out.match(/throwNoRawHtml\(\)/g)).toHaveLength(3); // two uses and the helper
  });

  it('stops the build when React DOM no longer looks as expected', () => {
    const changed = code.replace('domElement.innerHTML = key', 'domElement.innerHTML = html');
    expect(() => transform.call(context, changed, id)).toThrow(/found 1/);
  });
});

it('leaves every other module alone', () => {
  expect(transform.call(context, 'el.innerHTML = x', '/src/other.js')).toBeUndefined();
});
