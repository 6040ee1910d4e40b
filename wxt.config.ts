import { defineConfig } from 'wxt';
import { BUILTIN_MATCHES, DEMO_MATCHES, HOOK_JS, RELAY_JS } from './utils/sites';
import { noRawHtml } from './build/no-raw-html';
import { plainUnlistedEntry } from './build/plain-unlisted-entry';

/**
 * One manifest for every target, varied only where it must be:
 * - demo builds (`--mode development`, or WXT_DEMO=1) also track the bundled demo tool on loopback;
 *   the production build never does.
 * - Firefox gets its gecko settings; Chrome never sees them.
 */
const demoBuild = process.env.WXT_DEMO === '1';

export default defineConfig({
  modules: ['@wxt-dev/module-react'],
  // No raw HTML anywhere in the pages (build/no-raw-html.ts says why; `web-ext lint` checks it), and no no-op
  // logging wrapper around the unlisted scripts in production (build/plain-unlisted-entry.ts).
  vite: (env) => ({ plugins: [noRawHtml(), plainUnlistedEntry(env.mode === 'production')] }),
  // `npm run zip`: the Chrome and Firefox zips, and (for addons.mozilla.org's reviewers) the sources that
  // rebuild them with `npm ci && npm run zip`. WXT already leaves out node_modules, .output, dot-folders and
  // *.test.ts; the tests, their fixtures and output, and the README's screenshots are not needed to build
  // (tests/build/zip.test.ts rebuilds the Firefox zip from the sources zip alone).
  zip: {
    excludeSources: [
      'tests/**',
      'test-results/**',
      'coverage/**',
      'docs/screenshots/**',
      'docs/store/**',
      'vitest.*.ts',
      'stats.html',
      '**/*.log',
    ],
  },
  hooks: {
    // The o200k rank table of the real tokenizer (background only, entrypoints/background/tokenize.ts) as a data
    // file, fetched on the first count: Chrome forbids import() in a service worker, and a 2.4 MB table inside
    // the worker's one script would be parsed at every start.
    'build:publicAssets': async (_wxt, files) => {
      const { default: ranks } = await import('gpt-tokenizer/bpeRanks/o200k_base');
      files.push({ relativeDest: 'o200k_base.json', contents: JSON.stringify(ranks) });
    },
    // Only the group of HTML pages (popup, options, dashboard) is split into shared chunks; content scripts
    // and the worker are single files.
    'vite:build:extendConfig': (entrypoints, config) => {
      if (!entrypoints.some((e) => e.type === 'popup')) return;
      config.build ??= {};
      // The HTML keeps its <link rel="modulepreload"> for the chunks a page needs at once. A lazy import()
      // needs no preload helper: an extension's files come from disk, and the helper's <link> insertions
      // took 70-80 ms of the popup's main thread in a CPU profile (busy machine), just as its figures rendered.
      config.build.modulePreload = {
        polyfill: false,
        resolveDependencies: (_file, deps, { hostType }) => (hostType === 'html' ? deps : []),
      };
      config.build.rolldownOptions ??= {};
      // Zod and the schemas built from it get a chunk of their own. Building schemas is a large part of a
      // page's start-up, and the popup's first render needs none of them: this keeps them out of the chunk
      // every page loads first (components/use-sites.ts loads them beside the first read).
      config.build.rolldownOptions.output = {
        ...(config.build.rolldownOptions.output as object),
        codeSplitting: {
          groups: [
            // First (higher priority), so the schemas' group does not pull WXT's browser shim in with it.
            { name: 'webext', test: /node_modules[\\/](wxt|@wxt-dev|@webext-core)[\\/]/, priority: 2 },
            {
              name: 'schemas',
              test: /node_modules[\\/]zod[\\/]|utils[\\/](zod|messages|records|sites-store)\.ts$/,
              priority: 1,
            },
          ],
        },
      };
    },
  },
  // The demo build (production-minified, plus the demo host) gets its own folder so it never overwrites
  // the release build: .output/chrome-mv3-demo.
  outDirTemplate: `{{browser}}-mv{{manifestVersion}}{{modeSuffix}}${demoBuild ? '-demo' : ''}`,
  manifest: ({ mode, browser }) => {
    const demo = mode !== 'production' || demoBuild;
    const matches = demo ? [...BUILTIN_MATCHES, ...DEMO_MATCHES] : [...BUILTIN_MATCHES];
    return {
      name: demo ? 'Tokenwise (demo)' : 'Tokenwise',
      description: 'What did my AI tokens get done? Private, local-only usage awareness for AI tools.',
      // activeTab: "Track this site" and "Test this site" read the current tab only after the user clicks
      // the toolbar button. No `tabs`, no `webRequest`, no host access until the user adds a site.
      permissions: ['storage', 'alarms', 'scripting', 'activeTab'],
      optional_host_permissions: ['*://*/*'],
      // Icons: public/icon/<size>.png (WXT lists them as `icons`); the toolbar gets the small ones by name.
      action: { default_title: 'Tokenwise', default_icon: { 16: 'icon/16.png', 32: 'icon/32.png' } },
      options_ui: { page: 'options.html', open_in_tab: true },
      content_scripts:
        matches.length > 0
          ? [
              // The hook is listed first so it usually runs first; the bridge works in either order.
              { matches, js: [HOOK_JS], run_at: 'document_start', world: 'MAIN' },
              { matches, js: [RELAY_JS], run_at: 'document_start' },
            ]
          : undefined,
      ...(browser === 'firefox'
        ? {
            browser_specific_settings: {
              gecko: {
                id: 'tokenwise@tokenwise.invalid',
                strict_min_version: '142.0',
                data_collection_permissions: { required: ['none'] },
              },
            },
          }
        : {}),
    };
  },
});
