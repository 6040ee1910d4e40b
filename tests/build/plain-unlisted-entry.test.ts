// build/plain-unlisted-entry.ts against the WXT actually installed: the production entry of an unlisted script
// runs the same calls without WXT's no-op logging wrapper, development keeps WXT's module, and a WXT whose module
// changed stops the build.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { plainUnlistedEntry } from '@/build/plain-unlisted-entry';

type Transform = (this: { error(m: string): never }, code: string, id: string) => { code: string } | undefined;
const context = {
  error(message: string): never {
    throw new Error(message);
  },
};
const transformIn = (production: boolean) => plainUnlistedEntry(production).transform as Transform;

const ENTRY = resolve('entrypoints/relay.ts');
const ID = `\0virtual:wxt-unlisted-script-entrypoint?${ENTRY}`;
// WXT's module as its loader hands it over: the user entry's path in place of its virtual id.
const wxtModule = readFileSync(resolve('node_modules/wxt/dist/virtual/unlisted-script-entrypoint.mjs'), 'utf8').replace(
  '"virtual:user-unlisted-script-entrypoint"',
  JSON.stringify(ENTRY),
);

describe('production', () => {
  const transform = transformIn(true);

  it('starts the plugins and returns main()’s result, with no logging wrapper', () => {
    const out = transform.call(context, wxtModule, ID)!.code;
    expect(wxtModule).toContain('crashed on startup');
    expect(out).not.toContain('crashed on startup');
    expect(out).toContain(`import definition from ${JSON.stringify(ENTRY)};`);
    expect(out.indexOf('initPlugins();')).toBeLessThan(out.indexOf('export default definition.main();'));
  });

  it('stops the build when WXT’s module no longer looks as expected', () => {
    expect(() => transform.call(context, wxtModule.replace('initPlugins();', 'initPlugins(ctx);'), ID)).toThrow(
      /entry changed \(no initPlugins\(\);\)/,
    );
    expect(() => transform.call(context, wxtModule.replace(/^import definition from .*$/m, ''), ID)).toThrow(
      /no import definition/,
    );
  });

  it('leaves every other module alone', () => {
    expect(transform.call(context, wxtModule, '/work/main/utils/other.ts')).toBeUndefined();
  });
});

it('development builds keep WXT’s module and its logging', () => {
  expect(transformIn(false).call(context, wxtModule, ID)).toBeUndefined();
});

describe('the built content scripts', () => {
  it.each(['page-hook.js', 'relay.js'])('%s carries no logging wrapper', (f) => {
    const built = readFileSync(resolve('.output/chrome-mv3', f), 'utf8');
    expect(built).not.toContain('crashed on startup');
    expect(built).toMatch(/\.main\(\)\}\)\(\);\s*$/); // the script ends by running its main()
  });
});
