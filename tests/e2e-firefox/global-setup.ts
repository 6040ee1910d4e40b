// Fails (never skips) when what the Firefox end-to-end tests need is missing, saying how to get it.
import { existsSync } from 'node:fs';
import { findFirefox, HOW_TO_GET_FIREFOX } from './find-firefox';
import { FIREFOX_DEMO_DIR } from './harness';

export default function setup() {
  if (!findFirefox()) throw new Error(HOW_TO_GET_FIREFOX);
  if (!existsSync(`${FIREFOX_DEMO_DIR}/manifest.json`)) {
    throw new Error(
      `No Firefox demo build at ${FIREFOX_DEMO_DIR}: run \`WXT_DEMO=1 npx wxt build -b firefox --mv3\` first ` +
        '(`npm run test:e2e:firefox` does).',
    );
  }
}
