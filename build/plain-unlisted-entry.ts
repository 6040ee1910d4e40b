/**
 * Unlisted scripts (the page hook, the relay, the pages' early reads) start through WXT's small entry module,
 * which in a production build wraps `main()` in a try/catch that only calls a logger WXT compiles to no-ops and
 * then rethrows. That wrapper is about 150 bytes of gzip in each of the two content scripts every tracked page
 * loads (bench figure 5, budget 20 KB). In production it is replaced by the same calls without the no-op logging;
 * what runs, and what a failure throws, is unchanged. Development builds keep WXT's module and its logging.
 *
 * When WXT's module changes shape, the build stops here rather than silently dropping something it added.
 */
import type { Plugin } from 'vite';

/** WXT's virtual module id, one per unlisted script: `\0virtual:wxt-unlisted-script-entrypoint?<entry path>`. */
const ENTRY = /^\0?virtual:wxt-unlisted-script-entrypoint\?/;
/** The user entry WXT's module imports (WXT writes the entry's path there). */
const DEFINITION = /^import definition from ("[^"\n]+");$/m;
/** What the replacement relies on WXT's module doing: start the plugins, then `definition.main()`. */
const EXPECTED = [
  'import { initPlugins } from "virtual:wxt-plugins";',
  'initPlugins();',
  'result = definition.main();',
  'export { result as default };',
];
const plain = (definition: string) =>
  `import definition from ${definition};\n` +
  'import { initPlugins } from "virtual:wxt-plugins";\n' +
  'initPlugins();\n' +
  'export default definition.main();\n';

export function plainUnlistedEntry(production: boolean): Plugin {
  return {
    name: 'tokenwise:plain-unlisted-entry',
    enforce: 'pre',
    transform(code, id) {
      if (!production || !ENTRY.test(id)) return undefined;
      const definition = DEFINITION.exec(code)?.[1];
      const missing = [...(definition ? [] : ['import definition']), ...EXPECTED.filter((l) => !code.includes(l))];
      if (!definition || missing.length > 0) {
        this.error(
          `build/plain-unlisted-entry.ts: WXT's unlisted-script entry changed (no ${missing.join(', ')}). ` +
            'Check what it does now before replacing it.',
        );
      }
      return { code: plain(definition), map: null };
    },
  };
}
