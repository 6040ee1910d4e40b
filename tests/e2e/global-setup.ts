// Fails (never skips) when what the end-to-end tests need is missing, saying how to get it.
import { existsSync } from 'node:fs';
import { findChromium, HOW_TO_GET_CHROMIUM } from '../launch/find-browser';
import { DEMO_EXTENSION_DIR } from './harness';

export default function setup() {
  if (!findChromium()) throw new Error(HOW_TO_GET_CHROMIUM);
  if (!existsSync(`${DEMO_EXTENSION_DIR}/manifest.json`)) {
    throw new Error(`No demo build at ${DEMO_EXTENSION_DIR}: run \`npm run build:demo\` first (npm test does).`);
  }
}
