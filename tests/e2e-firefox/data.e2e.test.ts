// Issue 7: "Your data" in Firefox. Export everything (the file Firefox saves), delete all history, import
// the file after its preview: every table of the history deep-equals what it was before.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ElementHandle } from 'puppeteer-core';
import { startDemo, type DemoServer } from '../demo/server';
import { launchFirefox, readTable, screenshot, waitFor, type FirefoxExt } from './harness';
import { sendChat, type StoredTurn } from './demo-driver';

let demo: DemoServer;
let ff: FirefoxExt;

beforeAll(async () => {
  demo = await startDemo({ quiet: true });
  ff = await launchFirefox();
});
afterAll(async () => {
  await ff?.close();
  await demo?.close();
});

describe('Firefox: export → delete all → import', () => {
  it('brings back exactly the history there was', async () => {
    // Some history: two conversations, one with two messages (each reply also has its auto-title call).
    const chat = await ff.browser.newPage();
    await chat.goto(`${demo.chatUrl}?format=openai-chat-sse&cross=0`);
    const replies = [await sendChat(chat, 'First question'), await sendChat(chat, 'A follow-up')];
    await chat.goto(`${demo.chatUrl}?format=anthropic-sse&cross=1`);
    replies.push(await sendChat(chat, 'Another conversation'));

    const options = await ff.openExtensionPage('options.html');
    const { page } = options;
    await page.setViewport({ width: 1100, height: 900 });
    // Every table of the database, as the page sees it (so a table added later is compared too).
    const tables = await options.evaluate<string[]>(`new Promise((res, rej) => {
      const open = indexedDB.open('tokenwise');
      open.onsuccess = () => { res([...open.result.objectStoreNames]); open.result.close(); };
      open.onerror = () => rej(open.error);
    })`);
    expect(tables).toEqual(expect.arrayContaining(['turnBundles', 'daily', 'conversationBundles', 'taskBundles']));
    const history = async () =>
      Object.fromEntries(await Promise.all(tables.map(async (t) => [t, await readTable(options, t)] as const)));
    const stored = async () => {
      const ids = (await readTable<StoredTurn>(options, 'turns')).map((t) => t.id);
      return replies.every((r) => ids.some((id) => id.endsWith(`:${r}`)));
    };
    expect(await waitFor(stored), 'every reply is stored').toBe(true);
    // (The tab stays open until then: a fact not yet acknowledged when its tab closes waits in the outbox
    // for the background's next drain.)
    await chat.close();
    // …and the background has finished with them (the hidden title calls, the tasks): two equal reads.
    let before = await history();
    for (let settled = false; !settled;) {
      await new Promise((r) => setTimeout(r, 750));
      const again = await history();
      settled = JSON.stringify(again) === JSON.stringify(before);
      before = again;
    }
    expect(await readTable(options, 'conversations')).toHaveLength(2);
    expect(before.taskBundles!.length).toBeGreaterThan(0);
    expect(before.daily!.length).toBeGreaterThan(0);

    await page.click('[data-testid="export-json"]');
    await page.waitForFunction(
      () => /^Saved /.test(document.querySelector('[data-testid="export-status"]')?.textContent ?? ''),
      { timeout: 15_000 },
    );
    // Firefox writes the download as a .part file and renames it when done.
    const saved = await waitFor(async () =>
      readdirSync(ff.downloadDir).find((f) => /^tokenwise-export-.*\.json$/.test(f)),
    );
    expect(saved, `an export file in ${ff.downloadDir}`).toBeDefined();
    const file = join(ff.downloadDir, saved!);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ format: 'tokenwise-export', formatVersion: 1 });

    await page.click('[data-testid="wipe-open"]');
    await page.click('[data-testid="wipe-confirm"]');
    expect(
      await waitFor(async () => Object.values(await history()).every((rows) => rows.length === 0)),
      'every table is empty after "Delete everything"',
    ).toBe(true);

    const input = (await page.$('[data-testid="import-file"]')) as ElementHandle<HTMLInputElement> | null;
    await input!.uploadFile(file);
    const preview = await page.waitForSelector('[data-testid="import-preview"]', { timeout: 15_000 });
    await preview!.evaluate((e) => e.scrollIntoView({ block: 'center' }));
    await screenshot(page, 'options-import-preview', { fullPage: false });
    await page.click('[data-testid="import-confirm"]');
    await page.waitForFunction(
      () => /^Imported/.test(document.querySelector('[data-testid="import-result"]')?.textContent ?? ''),
      { timeout: 15_000 },
    );

    expect(await history()).toEqual(before);
    await options.close();
  });
});
