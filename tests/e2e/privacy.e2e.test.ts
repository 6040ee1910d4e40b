// Issue 5's privacy settings and data in real Chromium, on the options page as a person would use them: a pause
// stops counting (and the badge says so) until it is lifted; titles switched off for a site are never stored;
// export → delete all history → import gives back the same popup and the same settings; with text storage off
// (the default) no prompt or reply text is in IndexedDB or in the export.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startDemo, type DemoServer } from '../demo/server';
import { readFileSync } from 'node:fs';
import { launch, openExtensionPage, readTable, screenshot, waitFor, type ExtBrowser } from './harness';
import { sendChat } from './demo-driver';

let demo: DemoServer;
let b: ExtBrowser;
let options: Page;
let chat: Page;

beforeAll(async () => {
  demo = await startDemo({ quiet: true });
  b = await launch();
  options = await openExtensionPage(b, 'options.html');
  chat = await b.ctx.newPage();
  await chat.goto(`${demo.chatUrl}?autotitle=0`);
});
afterAll(async () => {
  await b?.close();
  await demo?.close();
});

const turns = () => readTable<{ id: string }>(options, 'turns');
const badge = () =>
  options.evaluate(async () => {
    const action = (globalThis as unknown as { chrome: { action: { getBadgeText(d: object): Promise<string> } } })
      .chrome.action;
    return action.getBadgeText({});
  });

describe('privacy settings', () => {
  it('a pause counts nothing and shows "off" on the badge; resuming counts again', async () => {
    await sendChat(chat, 'Before the pause');
    await waitFor(async () => ((await turns()).length === 1 ? true : undefined));

    await options.getByTestId('pause-resumed').click();
    await expect
      .poll(() => options.getByTestId('pause-status').textContent())
      .toBe('Tracking is paused on every site until you resume it.');
    await expect.poll(badge).toBe('off');
    await screenshot(options, 'options-privacy-paused', { fullPage: true });

    await sendChat(chat, 'During the pause');
    // The fact still travels (outbox, delivery) and is dropped at the background: give it the time it takes.
    await chat.waitForTimeout(1500);
    expect(await turns()).toHaveLength(1);

    await options.getByTestId('resume').click();
    await expect.poll(badge).not.toBe('off');
    await sendChat(chat, 'After the pause');
    await waitFor(async () => ((await turns()).length === 2 ? true : undefined));
  });

  it('with titles off for the site, no page title is stored', async () => {
    const origin = new URL(demo.chatUrl).origin;
    await options.reload();
    const row = options.locator(`[data-testid="privacy-site"][data-origin="${origin}"]`);
    // Controlled by the stored setting: the box changes once the setting is written, so click, then wait.
    await row.getByTestId('keep-titles').click();
    await expect.poll(() => row.getByTestId('keep-titles').isChecked()).toBe(false);

    await chat.click('#new-chat');
    await sendChat(chat, 'Confidential merger plan');
    await waitFor(async () => ((await turns()).length === 3 ? true : undefined));
    const stored = JSON.stringify(
      await Promise.all(['turns', 'conversations', 'tasks'].map((t) => readTable(options, t))),
    );
    expect(stored).not.toContain('Confidential merger plan');
    await screenshot(options, 'options-privacy', { fullPage: true });
  });

  it('export, delete all history, import: the popup shows the same numbers and the settings come back', async () => {
    const popupFigures = async () => {
      const popup = await openExtensionPage(b, 'popup.html');
      await popup.locator('main[data-ready="true"]').waitFor();
      const figures = await Promise.all(
        ['total-window', 'tasks-done', 'need-outcome-count', 'site-today', 'site-week'].map((id) =>
          popup
            .getByTestId(id)
            .count()
            .then((n) => (n > 0 ? popup.getByTestId(id).first().textContent() : null)),
        ),
      );
      await popup.close();
      return figures;
    };
    await options.reload();
    await options.getByTestId('retention-forever').click(); // a setting that must survive the round trip
    await expect.poll(() => options.getByTestId('retention-forever').isChecked()).toBe(true);
    const before = await popupFigures();
    expect(before[0]).toMatch(/\d/);

    const [download] = await Promise.all([
      options.waitForEvent('download'),
      options.getByTestId('export-json').click(),
    ]);
    const file = await download.path();
    const exported = readFileSync(file, 'utf8');
    expect(JSON.parse(exported)).toMatchObject({ format: 'tokenwise-export', formatVersion: 1 });

    // Text storage is off by default: what was typed and what was replied is nowhere.
    const replies = await chat.locator('.message.assistant').allTextContents();
    const prompts = ['Before the pause', 'During the pause', 'After the pause', 'Confidential merger plan'];
    const tables = ['turnBundles', 'daily', 'conversationBundles', 'taskBundles', 'texts', 'health'];
    // The demo tool titles its page after the first message, and page titles are the one piece of page text
    // kept by default (a setting, tested above): leave the title fields out of the search.
    const withoutTitles = (v: unknown) => JSON.stringify(v, (k, x: unknown) => (k === 'title' ? undefined : x));
    const everything = withoutTitles(await Promise.all(tables.map((t) => readTable(options, t))));
    const exportedText = withoutTitles(JSON.parse(exported));
    for (const text of [...prompts, ...replies.map((r) => r.trim().slice(0, 40))]) {
      expect(everything).not.toContain(text);
      expect(exportedText).not.toContain(text);
    }

    await options.getByTestId('wipe-open').click();
    await options.getByTestId('wipe-confirm').click();
    await expect.poll(async () => (await readTable(options, 'turns')).length).toBe(0);
    await expect.poll(() => options.getByTestId('retention-forever').isChecked()).toBe(false);

    await options.getByTestId('import-file').setInputFiles(file);
    await options.getByTestId('import-preview').waitFor();
    await screenshot(options, 'options-import-preview', { fullPage: true });
    await options.getByTestId('import-confirm').click();
    await expect.poll(() => options.getByTestId('import-result').textContent()).toMatch(/import/i);
    await expect.poll(async () => (await readTable(options, 'turns')).length).toBe(3);

    expect(await popupFigures()).toEqual(before);
    await options.reload();
    await expect.poll(() => options.getByTestId('retention-forever').isChecked()).toBe(true);
  });
});
