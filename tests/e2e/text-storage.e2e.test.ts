// End to end, in real Chromium with the demo tool: prompt and reply text is stored only where the person
// turned text storage on for the site, and then only redacted (issue 5; reliability test 27).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startDemo, type DemoServer } from '../demo/server';
import { demoReply } from '../demo/replies';
import { launch, openExtensionPage, readTable, waitFor, type ExtBrowser, type StoredTurn } from './harness';
import { sendChat } from './demo-driver';

declare const chrome: {
  storage: { local: { get(k: null): Promise<Record<string, unknown>>; set(v: object): Promise<void> } };
};

interface StoredText {
  id: string;
  site: string;
  prompt?: string;
  reply?: string;
  redactions: Record<string, number>;
}

const FAKE_KEY = 'sk-proj-Ab3dEf6hIj9lMn2pQr5tUv8xYz1_bC4eF7hJ0kM';
const EMAIL = 'jane.doe@example.com';
// The secrets come after the first 44 characters, past what the demo puts in the page title.
const prompt = (n: number) =>
  `Please review the deployment settings (case ${n}) for me: the key is ${FAKE_KEY}, and send the summary to ${EMAIL}.`;

let demo: DemoServer;
let b: ExtBrowser;
let ext: Page;
const site = () => new URL(demo.chatUrl).origin;

beforeAll(async () => {
  demo = await startDemo({ quiet: true });
  b = await launch();
  ext = await openExtensionPage(b, 'popup.html');
});
afterAll(async () => {
  await b?.close();
  await demo?.close();
});

/** Every row of every object store in the extension's IndexedDB, and all of storage.local, as one string. */
async function everythingStored(): Promise<string> {
  const names = await ext.evaluate(
    () =>
      new Promise<string[]>((res, rej) => {
        const open = indexedDB.open('tokenwise');
        open.onerror = () => rej(open.error);
        open.onsuccess = () => {
          const list = [...open.result.objectStoreNames];
          open.result.close();
          res(list);
        };
      }),
  );
  expect(names).toEqual(expect.arrayContaining(['turnBundles', 'texts']));
  const tables = await Promise.all(names.map(async (n) => [n, await readTable(ext, n)] as const));
  const local = await ext.evaluate(() => chrome.storage.local.get(null));
  return JSON.stringify({ tables, local });
}

async function chat(text: string): Promise<string> {
  const page = await b.ctx.newPage();
  await page.goto(`${demo.chatUrl}?format=openai-chat-sse`);
  const id = await sendChat(page, text);
  const turn = await waitFor(async () =>
    (await readTable<StoredTurn>(ext, 'turns')).find((t) => t.id === `${site()}|openai-chat:${id}`),
  );
  expect(turn).toBeDefined();
  await page.close();
  return id;
}

describe('opt-in text storage', () => {
  it('stores no prompt or reply text by default', async () => {
    const text = prompt(1);
    await chat(text);
    // Give a (wrongly) sent text message time to arrive before looking.
    await new Promise((r) => setTimeout(r, 500));
    expect(await readTable(ext, 'texts')).toEqual([]);
    const all = await everythingStored();
    const reply = demoReply(text);
    for (const paragraph of reply.split('\n\n').filter((p) => p.length > 30)) expect(all).not.toContain(paragraph);
    expect(all).not.toContain(FAKE_KEY);
    expect(all).not.toContain(EMAIL);
    expect(all).not.toContain('deployment settings (case 1) for me');
  });

  it('stores the text, redacted, once the person turns text storage on for the site', async () => {
    await ext.evaluate(
      (origin) =>
        chrome.storage.local.set({
          settings: {
            sites: { [origin]: { storeText: true, keepTitles: true } },
            pause: null,
            trackIncognito: false,
            retentionDays: 365,
          },
        }),
      site(),
    );
    const text = prompt(2);
    const id = await chat(text);
    const row = await waitFor(async () =>
      (await readTable<StoredText>(ext, 'texts')).find((t) => t.id === `${site()}|openai-chat:${id}`),
    );
    expect(row).toBeDefined();
    expect(row!.site).toBe(site());
    expect(row!.prompt).toBe(
      'Please review the deployment settings (case 2) for me: the key is [redacted api-key], and send the summary to [redacted email].',
    );
    expect(row!.reply).toBe(demoReply(text));
    expect(row!.redactions).toEqual({ 'api-key': 1, email: 1 });
    const all = await everythingStored();
    expect(all).not.toContain(FAKE_KEY);
    expect(all).not.toContain(EMAIL);
  });

  it('deletes the site’s texts when text storage is turned off again', async () => {
    expect((await readTable(ext, 'texts')).length).toBeGreaterThan(0);
    await ext.evaluate(() =>
      chrome.storage.local.set({ settings: { sites: {}, pause: null, trackIncognito: false, retentionDays: 365 } }),
    );
    const left = await waitFor(async () => ((await readTable(ext, 'texts')).length === 0 ? 'empty' : ''));
    expect(left).toBe('empty');
    // And the next chat stores no text again.
    await chat(prompt(3));
    await new Promise((r) => setTimeout(r, 500));
    expect(await readTable(ext, 'texts')).toEqual([]);
  });
});
