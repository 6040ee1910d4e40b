// Issue 3 / reliability tests 7 and 8: the user adds their own AI tool's origin through the options page
// as a person would (the harness pre-approves the origin in chrome://extensions, standing in for the
// user's "Allow": ../shared/docs/permission-flow.md), chats there, revokes and grants again, restarts.
// `http://localhost:<port>` plays the company's internal tool: the demo build tracks only 127.0.0.1.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startDemo, type DemoServer } from '../demo/server';
import {
  launch,
  openExtensionPage,
  readTable,
  screenshot,
  stopWorker,
  waitFor,
  type ExtBrowser,
  type StoredTurn,
} from './harness';
import { sendChat } from './demo-driver';

let demo: DemoServer;
let b: ExtBrowser;
let toolOrigin: string;

/** Runs a chrome.developerPrivate call on chrome://extensions (what the user's clicks there do). */
async function extensionsPage(b: ExtBrowser, fn: 'addHostPermission' | 'removeHostPermission', pattern: string) {
  const page = await b.ctx.newPage();
  await page.goto('chrome://extensions');
  await page.evaluate(
    ([fn, id, pattern]) =>
      new Promise<void>((resolve) => {
        const api = (
          globalThis as unknown as { chrome: { developerPrivate: Record<string, (...a: unknown[]) => void> } }
        ).chrome.developerPrivate;
        api[fn]!(id, pattern, () => resolve());
      }),
    [fn, b.extId, pattern] as const,
  );
  await page.close();
}

/** Waits until the worker has (re)registered the content scripts for an origin, as a reload would need. */
async function registered(ext: Page, origin: string): Promise<boolean> {
  return waitFor(() =>
    ext.evaluate(async (o) => {
      const c = (
        globalThis as unknown as {
          chrome: { scripting: { getRegisteredContentScripts(): Promise<Array<{ id: string }>> } };
        }
      ).chrome;
      return (await c.scripting.getRegisteredContentScripts()).some((s) => s.id === `tw-hook@${o}`);
    }, origin),
  );
}

async function turnsFor(ext: Page, site: string) {
  return (await readTable<StoredTurn>(ext, 'turns')).filter((t) => t.site === site);
}

async function chatOnTool(b: ExtBrowser, text: string): Promise<string> {
  const page = await b.ctx.newPage();
  await page.goto(`${toolOrigin}/?format=openai-chat-sse`);
  const id = await sendChat(page, text);
  await page.close();
  return id;
}

beforeAll(async () => {
  demo = await startDemo({ quiet: true });
  toolOrigin = `http://localhost:${new URL(demo.chatUrl).port}`;
  b = await launch();
});
afterAll(async () => {
  await b?.close();
  await demo?.close();
});

describe('a user-added internal tool', () => {
  let ext: Page;

  it('is added from the options page, and its chats are recorded exactly', async () => {
    // Before: not tracked, nothing captured.
    await chatOnTool(b, 'before adding');
    ext = await openExtensionPage(b, 'popup.html');
    expect(await turnsFor(ext, toolOrigin)).toEqual([]);

    await extensionsPage(b, 'addHostPermission', `${toolOrigin}/*`);
    const options = await openExtensionPage(b, 'options.html');
    await options.fill('#site-address', toolOrigin);
    await options.fill('#site-name', 'Acme Assist');
    await options.click('#add-site');
    await expect
      .poll(() => options.getByTestId('add-site-status').innerText(), { timeout: 10_000 })
      .toContain('Tracking localhost');
    const row = options.locator(`[data-testid="user-site"][data-origin="${toolOrigin}"]`);
    await expect.poll(() => row.getAttribute('data-access')).toBe('active');

    const id = await chatOnTool(b, 'after adding');
    const turn = await waitFor(async () => (await turnsFor(ext, toolOrigin)).find((t) => t.id.endsWith(id)));
    const logged = demo.log.find((e) => e.id === id)!;
    expect(turn).toMatchObject({ source: 'exact', inputTokens: logged.inputTokens, outputTokens: logged.outputTokens });
    await expect.poll(() => row.getByTestId('site-state').getAttribute('data-state')).toBe('ok');
    await screenshot(options, 'options-sites');
    await options.close();
  });

  it('keeps capturing after the service worker is stopped', async () => {
    expect(await stopWorker(b)).toBe(true);
    const id = await chatOnTool(b, 'after a worker stop');
    expect(await waitFor(async () => (await turnsFor(ext, toolOrigin)).some((t) => t.id.endsWith(id)))).toBe(true);
  });

  it('shows "no access" when access is revoked in the browser, captures nothing, and resumes when granted', async () => {
    await extensionsPage(b, 'removeHostPermission', `${toolOrigin}/*`);
    const options = await openExtensionPage(b, 'options.html');
    const row = options.locator(`[data-testid="user-site"][data-origin="${toolOrigin}"]`);
    await expect.poll(() => row.getAttribute('data-access')).toBe('no-access');
    const popup = await openExtensionPage(b, 'popup.html');
    await popup.setViewportSize({ width: 360, height: 600 });
    await expect.poll(() => popup.locator(`[data-testid="no-access"][data-site="${toolOrigin}"]`).count()).toBe(1);
    await screenshot(popup, 'popup-no-access');

    const before = (await turnsFor(ext, toolOrigin)).length;
    await chatOnTool(b, 'while revoked');
    await new Promise((r) => setTimeout(r, 1500));
    expect((await turnsFor(ext, toolOrigin)).length).toBe(before);

    // Granting it again in the browser's own UI (the options page's "Grant access" button asks through the
    // permission dialog, which headless Chromium cannot answer: covered by the unit tests instead).
    await extensionsPage(b, 'addHostPermission', `${toolOrigin}/*`);
    await expect.poll(() => row.getAttribute('data-access')).toBe('active');
    expect(await registered(ext, toolOrigin)).toBe(true);
    const id = await chatOnTool(b, 'after granting again');
    expect(await waitFor(async () => (await turnsFor(ext, toolOrigin)).some((t) => t.id.endsWith(id)))).toBe(true);
    await popup.close();
    await options.close();
  });

  it('survives a browser restart on the same profile: history kept, the first page captured', async () => {
    const before = (await turnsFor(ext, toolOrigin)).length;
    const profile = b.profile;
    await b.close(true);
    b = await launch({ profile });
    // Dynamic registrations are dropped on every relaunch and rebuilt by the new worker at start-up; the
    // first page the user opens once the browser is up (not a tab it restores in the same instant) is
    // captured. ../shared/docs/permission-flow.md saw the same with a page opened ~1.8 s after launch.
    ext = await openExtensionPage(b, 'popup.html');
    expect(await registered(ext, toolOrigin)).toBe(true);
    const id = await chatOnTool(b, 'first page after restart');
    const turns = await waitFor(async () => {
      const t = await turnsFor(ext, toolOrigin);
      return t.some((x) => x.id.endsWith(id)) ? t : undefined;
    });
    expect(turns?.length).toBe(before + 1);
  });

  it('is removed from the options page: scripts gone, access given back, history kept', async () => {
    const options = await openExtensionPage(b, 'options.html');
    options.on('dialog', (d) => void d.accept());
    const row = options.locator(`[data-testid="user-site"][data-origin="${toolOrigin}"]`);
    await row.getByTestId('remove-site').click();
    await expect.poll(() => row.count()).toBe(0);
    const access = await options.evaluate(
      (o) =>
        (
          globalThis as unknown as { chrome: { permissions: { contains(p: object): Promise<boolean> } } }
        ).chrome.permissions.contains({
          origins: [`${o}/*`],
        }),
      toolOrigin,
    );
    expect(access).toBe(false);
    expect((await turnsFor(ext, toolOrigin)).length).toBeGreaterThan(0);
  });
});

describe('Test this site', () => {
  it('shows live what a tracked page receives and what would be recorded, storing nothing', async () => {
    // activeTab is granted only by a real click on the toolbar button, which automation cannot make. Stand
    // in for it with host access to 127.0.0.1, pre-approved and then requested (ordinary content-script
    // matches do not allow scripting.executeScript).
    await extensionsPage(b, 'addHostPermission', 'http://127.0.0.1/*');
    for (const p of b.ctx.pages()) await p.close();
    const page = await b.ctx.newPage();
    await page.goto(`${demo.chatUrl}?format=anthropic-sse`);
    const ext = await openExtensionPage(b, 'popup.html');
    const granted = await ext.evaluate(() =>
      (
        globalThis as unknown as { chrome: { permissions: { request(p: object): Promise<boolean> } } }
      ).chrome.permissions.request({
        origins: ['http://127.0.0.1/*'],
      }),
    );
    expect(granted).toBe(true);
    // Without the "tabs" permission other tabs' URLs are hidden: the one web page open is the demo tool.
    const tabId = await ext.evaluate(async () => {
      type Tab = { id: number; url?: string };
      const c = (globalThis as unknown as { chrome: { tabs: { query(q: object): Promise<Tab[]> } } }).chrome;
      return (await c.tabs.query({})).find((t) => !t.url?.startsWith('chrome-extension://'))!.id;
    });
    const diag = await openExtensionPage(b, `diagnose.html?tab=${tabId}`);
    await expect
      .poll(
        async () =>
          `${await diag.locator('main').getAttribute('data-phase')} ${await diag.locator('main').innerText()}`,
      )
      .toMatch(/^listening/);
    const storedBefore = (await readTable<StoredTurn>(ext, 'turns')).length;
    const loggedBefore = demo.log.length;
    await page.bringToFront();
    await sendChat(page, 'diagnose me');
    await expect.poll(() => diag.locator('tr[data-outcome="matched"]').count(), { timeout: 15_000 }).toBeGreaterThan(0);
    expect(await diag.getByTestId('verdict').innerText()).toContain('anthropic-messages');
    await screenshot(diag, 'diagnose');
    // The product's own hook recorded each call the demo served (the chat, and its hidden title call) once;
    // the diagnostic added nothing.
    await new Promise((r) => setTimeout(r, 1500));
    expect((await readTable<StoredTurn>(ext, 'turns')).length).toBe(storedBefore + demo.log.length - loggedBefore);
  });
});

describe('a built-in site whose access the user withholds (reliability test 9)', () => {
  async function hostAccess(b: ExtBrowser, value: 'ON_CLICK' | 'ON_ALL_SITES') {
    const page = await b.ctx.newPage();
    await page.goto('chrome://extensions');
    await page.evaluate(
      ([id, value]) =>
        new Promise<void>((resolve) =>
          (
            globalThis as unknown as {
              chrome: { developerPrivate: { updateExtensionConfiguration(c: object, cb: () => void): void } };
            }
          ).chrome.developerPrivate.updateExtensionConfiguration({ extensionId: id, hostAccess: value }, () =>
            resolve(),
          ),
        ),
      [b.extId, value] as const,
    );
    await page.close();
  }

  it('shows "No access" in the options page, counts nothing there, and recovers when allowed again', async () => {
    const ext = await openExtensionPage(b, 'popup.html');
    await hostAccess(b, 'ON_CLICK');
    const options = await openExtensionPage(b, 'options.html');
    const row = options.locator('[data-testid="builtin-site"]');
    await expect.poll(() => row.getAttribute('data-access'), { timeout: 10_000 }).toBe('no-access');
    expect(await row.getByTestId('site-state').getAttribute('data-state')).toBe('no-access');
    await screenshot(options, 'options-builtin-withheld');

    const before = (await readTable<StoredTurn>(ext, 'turns')).length;
    const page = await b.ctx.newPage();
    await page.goto(`${demo.chatUrl}?format=openai-chat-sse&autotitle=0`);
    await sendChat(page, 'while access is withheld');
    await new Promise((r) => setTimeout(r, 1500));
    expect((await readTable<StoredTurn>(ext, 'turns')).length).toBe(before);

    await hostAccess(b, 'ON_ALL_SITES');
    await expect.poll(() => row.getAttribute('data-access'), { timeout: 10_000 }).toBe('active');
    await page.reload();
    const id = await sendChat(page, 'allowed again');
    expect(await waitFor(async () => (await readTable<StoredTurn>(ext, 'turns')).some((t) => t.id.endsWith(id)))).toBe(
      true,
    );
  });
});
