// `npm start` itself (tests/launch/start.ts, after the build npm test has already done): it serves the demo
// tool, opens Chromium with the extension and the demo tool; a chat there shows up in the popup; stopping
// the process group leaves no browser process behind.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { DEMO_EXTENSION_DIR, waitFor } from './harness';
import { sendChat } from './demo-driver';
import { freePort, sleep } from './support';

let child: ChildProcess | undefined;
let browser: Browser | undefined;

afterAll(async () => {
  await browser?.close().catch(() => {});
  if (child?.pid && child.exitCode === null) {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

/** pid → [parent pid, process group, command line] for every live process. */
function processTable(): Map<number, { ppid: number; pgrp: number; cmd: string }> {
  const table = new Map<number, { ppid: number; pgrp: number; cmd: string }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // state ppid pgrp ...
      if (fields[0] === 'Z') continue; // a zombie has exited
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
      table.set(Number(entry), { ppid: Number(fields[1]), pgrp: Number(fields[2]), cmd });
    } catch {
      // exited while we looked
    }
  }
  return table;
}

/** The pids of `root` and all its descendants. */
function descendants(root: number): Set<number> {
  const table = processTable();
  const out = new Set([root]);
  for (let grew = true; grew;) {
    grew = false;
    for (const [pid, p] of table) {
      if (!out.has(pid) && out.has(p.ppid)) {
        out.add(pid);
        grew = true;
      }
    }
  }
  return out;
}

describe('npm start', () => {
  it('opens the demo tool with Tokenwise loaded; a chat shows in the popup; stopping leaves no process', async () => {
    expect(existsSync(join(DEMO_EXTENSION_DIR, 'manifest.json')), 'the demo build exists').toBe(true);
    const cdpPort = await freePort();
    child = spawn('npx', ['tsx', 'tests/launch/start.ts'], {
      detached: true, // its own process group, so the whole tree can be stopped at once
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        TOKENWISE_HEADLESS: '1',
        TOKENWISE_CDP_PORT: String(cdpPort),
        TOKENWISE_QUIET: '1',
        DEMO_PORT: '0',
        DEMO_API_PORT: '0',
        DEMO_AGENT_PORT: '0',
      },
    });
    let stdout = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', () => {});

    // The chat URL and the temporary profile, as start.ts prints them.
    const printed = await waitFor(async () => {
      const url = /Demo internal AI tool: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(stdout)?.[1];
      const profile = /temporary profile ([^)\s]+)\)/.exec(stdout)?.[1];
      return url && profile ? { url, profile } : undefined;
    }, 30_000);
    expect(printed, `start.ts output:\n${stdout}`).toBeDefined();
    const { url: chatUrl, profile } = printed!;
    expect(existsSync(profile)).toBe(true);

    // Attach over CDP once the browser listens.
    browser = await waitFor(
      async () => chromium.connectOverCDP(`http://127.0.0.1:${cdpPort}`).catch(() => undefined),
      30_000,
      250,
    );
    expect(browser, 'Chromium exposes CDP').toBeDefined();
    const ctx = browser!.contexts()[0]!;
    const tab = await waitFor(async () => ctx.pages().find((p) => p.url().startsWith(chatUrl)), 15_000);
    expect(tab, 'the demo tool tab is open').toBeDefined();
    await tab!.waitForLoadState('load');
    const responseId = await sendChat(tab!, 'Hello from npm start');

    // The extension's id, from its service worker target.
    const cdp = await browser!.newBrowserCDPSession();
    const swUrl = await waitFor(async () => {
      const { targetInfos } = await cdp.send('Target.getTargets');
      return targetInfos.find((t) => t.type === 'service_worker' && t.url.startsWith('chrome-extension://'))?.url;
    }, 15_000);
    await cdp.detach();
    expect(swUrl).toBeDefined();
    const extId = new URL(swUrl!).host;

    // The demo server's own log is the ground truth. Today's counted figure for the site is every exact
    // usage the server sent (the chat, and any title the demo asked for in the background).
    type Logged = { id: string; inputTokens: number; outputTokens: number; usageSent: boolean };
    const exactLogged = async () => {
      const log = (await (await fetch(new URL('/__demo/log', chatUrl))).json()) as Logged[];
      expect(log.find((e) => e.id === responseId)?.usageSent, 'the chat is in the demo log, with usage').toBe(true);
      return log.filter((e) => e.usageSent).reduce((sum, e) => sum + e.inputTokens + e.outputTokens, 0);
    };

    const popup: Page = await ctx.newPage();
    await popup.goto(`chrome-extension://${extId}/popup.html`);
    const site = new URL(chatUrl).origin;
    let last = '';
    const shown = await waitFor(
      async () => {
        await popup.reload();
        const row = popup.locator(`tr[data-site="${site}"]`);
        await row.waitFor({ timeout: 5_000 }).catch(() => {});
        if ((await row.count()) === 0) return false;
        last = (await row.getByTestId('site-today').innerText()).replace(/\s+/g, ' ').trim();
        return last.startsWith((await exactLogged()).toLocaleString('en-US'));
      },
      20_000,
      500,
    );
    expect(shown, `the popup shows today's ${await exactLogged()} tokens for ${site}; it shows "${last}"`).toBe(true);
    await browser!.close().catch(() => {}); // disconnects; the browser belongs to start.ts
    browser = undefined;

    // Stop the whole process group, as a terminal's job control would.
    const tree = descendants(child.pid!);
    expect(
      [...tree].some((pid) => processTable().get(pid)?.cmd.includes('chromium')),
      'Chromium runs under npm start',
    ).toBe(true);
    const exited = new Promise<number | null>((r) => child!.once('exit', (code) => r(code)));
    process.kill(-child.pid!, 'SIGTERM');
    const code = await Promise.race([exited, sleep(15_000).then(() => 'timeout' as const)]);
    expect(code, 'start.ts exits').not.toBe('timeout');
    const strays = () => {
      const table = processTable();
      return [...table]
        .filter(([pid, p]) => tree.has(pid) || p.pgrp === child!.pid || p.cmd.includes(profile))
        .map(([pid, p]) => `${pid} ${p.cmd.slice(0, 100)}`);
    };
    await waitFor(async () => strays().length === 0, 15_000, 250);
    expect(strays(), 'no process of the tree, its group, or with its profile is left').toEqual([]);
    // start.ts removes its temporary profile, but without waiting for Chromium to exit, so Chromium can
    // write into it again while it shuts down: reported, not part of this test's pass condition.
    if (await waitFor(async () => !existsSync(profile), 3_000)) return;
    console.warn(`npm start left its temporary profile behind (${profile}); removing it (exit code ${code})`);
    rmSync(profile, { recursive: true, force: true });
  });
});
