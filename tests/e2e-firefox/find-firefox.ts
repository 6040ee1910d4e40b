/**
 * Finds Firefox for the Firefox end-to-end tests: $FIREFOX_PATH first, then the usual install paths. The
 * tests fail, never skip, when there is none.
 */
import { existsSync } from 'node:fs';

const CANDIDATES = [
  '/usr/bin/firefox-esr',
  '/usr/bin/firefox',
  '/usr/lib/firefox-esr/firefox-esr',
  '/usr/lib/firefox/firefox',
  '/snap/bin/firefox',
  '/Applications/Firefox.app/Contents/MacOS/firefox',
  'C:\\Program Files\\Mozilla Firefox\\firefox.exe',
];

export const HOW_TO_GET_FIREFOX =
  'No Firefox found. Install it (Debian/Ubuntu: `sudo apt-get install -y --no-install-recommends firefox-esr`) ' +
  'or point FIREFOX_PATH at the browser executable.';

export function findFirefox(): string | undefined {
  const fromEnv = process.env.FIREFOX_PATH;
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : undefined;
  return CANDIDATES.find((p) => existsSync(p));
}
