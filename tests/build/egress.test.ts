// Reliability test 11: a scan of every shipped script for addresses. The extension makes no requests of
// its own, so the only URLs allowed in the bundles are ones that are never fetched (XML namespaces,
// documentation links inside library error messages).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILTIN_MATCHES } from '../../utils/sites';

const ALLOWED = [
  /^http:\/\/www\.w3\.org\//, // SVG/XHTML/MathML namespaces used by React DOM
  /^https:\/\/react\.dev\/errors\//, // React's minified error messages point here; text, never fetched
  /^https?:\/\/127\.0\.0\.1/, // never in release builds (see manifest test), but harmless in text
  /^https:\/\/www\.chartjs\.org\//, // Chart.js warning text
  /^https:\/\/tinyurl\.com\/y2uuvskb$/, // Dexie's "IndexedDB API missing" error text
  /^http:\/\/bit\.ly\/2kdckMn$/, // Dexie's error text about a missing Promise polyfill
  /^https:\/\/github\.com\/wxt-dev\/wxt\/issues\/371$/, // WXT storage's error text
  /^https:\/\/wxt\.dev\/guide\/go-further\/testing\.html$/, // WXT's error text when run outside an extension
  /^https:\/\/([\w-]+\.)*example\.com$/, // reserved example domain in placeholders and help text (RFC 2606)
  // JSON Schema dialect identifiers: Zod's toJSONSchema writes one as "$schema" for the "What Tokenwise stores"
  // page. An identifier by the JSON Schema spec, never fetched.
  /^https?:\/\/json-schema\.org\/(draft-0[47]\/schema#|draft\/2020-12\/schema)$/,
  /^https:\/\/\$\{\w+\}$/, // a template literal that adds a scheme to what the user typed, to parse it
  /^https:\/\/([\w-]+\.)*example\/?$/, // the reserved .example TLD (RFC 2606): a base for parsing paths
  // The built-in public apps' match patterns (utils/adapters/): patterns to compare page origins with, never
  // fetched (the manifest test holds them to the approved list).
  ...BUILTIN_MATCHES.map((m) => new RegExp(`^${m.replace(/[.*/]/g, (c) => `\\${c}`)}$`)),
];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : /\.(js|html|json)$/.test(f) ? [p] : [];
  });
}

describe.each(['chrome-mv3', 'firefox-mv3'])('%s bundle', (dir) => {
  it('contains no address outside the allowlist', () => {
    const findings: string[] = [];
    for (const f of files(`.output/${dir}`)) {
      const text = readFileSync(f, 'utf8');
      for (const m of text.matchAll(/\b(?:https?|wss?):\/\/[^\s"'`)<>\\]+/g)) {
        if (!ALLOWED.some((a) => a.test(m[0]))) findings.push(`${f}: ${m[0]}`);
      }
    }
    expect(findings).toEqual([]);
  });

  it('never calls sendBeacon', () => {
    for (const f of files(`.output/${dir}`)) expect(readFileSync(f, 'utf8')).not.toContain('sendBeacon');
  });
});
