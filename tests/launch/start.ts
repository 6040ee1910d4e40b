/**
 * `npm start`: serve the bundled demo internal AI tool and open Chromium with the (already built) demo
 * extension loaded and the demo tool open — tracked from the first message, with no other step.
 *
 * Environment:
 *   CHROME_PATH          browser executable (default: the usual install paths)
 *   TOKENWISE_HEADLESS=1 run the browser headless (used by the test of `npm start` itself)
 *   TOKENWISE_CDP_PORT   expose Chrome DevTools Protocol on this port (tests attach to it)
 *   DEMO_PORT / DEMO_API_PORT / DEMO_AGENT_PORT  ports of the demo tool (default 5566 / 5567 / 5568)
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startDemo } from '../demo/server';
import { findChromium, HOW_TO_GET_CHROMIUM, QUIET_FLAGS, ROOT_FLAGS } from './find-browser';

const EXT_DIR = resolve(process.argv[2] ?? '.output/chrome-mv3-demo');

async function main() {
  if (!existsSync(join(EXT_DIR, 'manifest.json'))) {
    console.error(`No built extension in ${EXT_DIR}. Run \`npm start\` (it builds first).`);
    process.exit(1);
  }
  const demo = await startDemo({
    port: Number(process.env.DEMO_PORT ?? 5566),
    apiPort: Number(process.env.DEMO_API_PORT ?? 5567),
    agentPort: Number(process.env.DEMO_AGENT_PORT ?? 5568),
    quiet: process.env.TOKENWISE_QUIET === '1',
  });
  console.log(`\nDemo internal AI tool: ${demo.chatUrl}  (API on another origin: ${demo.apiOrigin})`);
  console.log(`Demo agent console:    ${demo.agentUrl}`);

  const browserPath = findChromium();
  if (!browserPath) {
    console.log(`\n${HOW_TO_GET_CHROMIUM}`);
    console.log(`\nTo try Tokenwise in your own Chrome or Chromium instead:`);
    console.log(`  1. open chrome://extensions and switch on "Developer mode"`);
    console.log(`  2. click "Load unpacked" and choose ${EXT_DIR}`);
    console.log(`  3. open ${demo.chatUrl} and send a message; click the Tokenwise toolbar icon to see it.`);
    console.log(`\nThe demo tool keeps running; press Ctrl+C to stop.`);
    return;
  }

  const profile = mkdtempSync(join(tmpdir(), 'tokenwise-profile-'));
  const args = [
    `--user-data-dir=${profile}`,
    `--disable-extensions-except=${EXT_DIR}`,
    `--load-extension=${EXT_DIR}`,
    ...QUIET_FLAGS,
    ...ROOT_FLAGS,
    ...(process.env.TOKENWISE_HEADLESS === '1' ? ['--headless=new', '--disable-gpu'] : []),
    ...(process.env.TOKENWISE_CDP_PORT ? [`--remote-debugging-port=${process.env.TOKENWISE_CDP_PORT}`] : []),
    demo.chatUrl,
  ];
  const child = spawn(browserPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr.on('data', () => {}); // Chromium is chatty about D-Bus and GPU; none of it is ours
  console.log(`Opened ${browserPath} with Tokenwise loaded (temporary profile ${profile}).`);
  console.log('Chat in the demo tool, then click the Tokenwise toolbar icon. Press Ctrl+C to stop.\n');

  let stopping = false;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    child.kill('SIGTERM');
    // Chromium writes to its profile until it exits: wait (briefly) before deleting the profile.
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    await demo.close();
    rmSync(profile, { recursive: true, force: true });
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  void exited.then(stop);
}

void main();
