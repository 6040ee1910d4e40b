// Issue 4 in real Chromium against the demo tool: chats and an agent job become tasks; closing the tab and the
// agent's final status offer them for an outcome; marking one done in the popup updates the popup, the
// dashboard and the badge; merging two conversations keeps every total and leaves one task fewer. Then
// screenshots of the popup and the dashboard (light and dark) over a seeded, realistic history.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startDemo, type DemoServer } from '../demo/server';
import { launch, openExtensionPage, readTable, screenshot, waitFor, type ExtBrowser } from './harness';
import { sendChat } from './demo-driver';
import { SEED_TITLES, seedWhenReady } from './seed-history';

interface TaskRow {
  id: string;
  kind: string;
  site?: string;
  title?: string;
  turns: number;
  inputTokens: number;
  outputTokens: number;
  outcome?: string;
  conversations: number;
  signals: { runStatus?: string; closedAt?: number; copied?: number };
}

let demo: DemoServer;
let b: ExtBrowser;
let ext: Page;

beforeAll(async () => {
  demo = await startDemo({ quiet: true, agentSpeed: 'fast' });
  b = await launch();
  ext = await openExtensionPage(b, 'popup.html');
});
afterAll(async () => {
  await b?.close();
  await demo?.close();
});

const tasks = () => readTable<TaskRow>(ext, 'tasks');
const tokens = (t: Pick<TaskRow, 'inputTokens' | 'outputTokens'>) => t.inputTokens + t.outputTokens;
const digits = (s: string | null) => Number((s ?? '').replace(/[^\d]/g, ''));
const badgeTitle = (page: Page) =>
  page.evaluate(() =>
    (globalThis as unknown as { chrome: { action: { getTitle(d: object): Promise<string> } } }).chrome.action.getTitle(
      {},
    ),
  );

describe('tasks and outcomes', () => {
  let chatTasks: TaskRow[] = [];
  let agentTask: TaskRow;

  it('two conversations and an agent job become three tasks, offered for an outcome once they are over', async () => {
    const chat = await b.ctx.newPage();
    await chat.goto(`${demo.chatUrl}?autotitle=0`);
    await sendChat(chat, 'Plan the team offsite');
    await sendChat(chat, 'And what would it cost?');
    await chat.click('#new-chat');
    await sendChat(chat, 'Write release notes for 2.4');

    chatTasks = (await waitFor(async () => {
      const t = (await tasks()).filter((x) => x.kind === 'chat' && x.site === new URL(demo.chatUrl).origin);
      return t.length === 2 && t.reduce((n, x) => n + x.turns, 0) === 3 ? t : undefined;
    }))!;
    expect(chatTasks.map((t) => t.turns).sort()).toEqual([1, 2]);
    // Each conversation is titled from what its page showed.
    expect(chatTasks.map((t) => t.title).sort()).toEqual([
      'Plan the team offsite · Acme Assist',
      'Write release notes for 2.4 · Acme Assist',
    ]);

    const agents = await b.ctx.newPage();
    await agents.goto(`${demo.agentUrl}?speed=fast`);
    await agents.click('label[data-template="triage-inbox"]');
    await agents.click('#run-job');
    const jobId = await waitFor(() => agents.locator('#job-detail').getAttribute('data-job-id'));
    await agents.locator(`.job[data-job-id="${jobId}"][data-status="completed"]`).waitFor({ timeout: 30_000 });
    agentTask = (await waitFor(async () =>
      (await tasks()).find(
        (t) => t.kind === 'agent' && t.signals.runStatus === 'completed' && t.id.endsWith(`run:${jobId}`),
      ),
    ))!;
    expect(agentTask.title).toBe('Triage my inbox');
    await agents.close();

    // Closing the tab is a hint that the conversations are over.
    await chat.close();
    await waitFor(async () => (await tasks()).filter((t) => t.kind === 'chat' && t.signals.closedAt).length === 2);
  });

  it('marking the agent task done in the popup updates the popup, the badge and the dashboard', async () => {
    const popup = await openExtensionPage(b, 'popup.html');
    await popup.setViewportSize({ width: 360, height: 900 });
    await popup.locator('main[data-ready="true"]').waitFor();
    await expect.poll(() => popup.getByTestId('need-outcome-count').innerText()).toBe('3');
    const item = popup.locator(`[data-testid="outcome-item"][data-task-id="${agentTask.id}"]`);
    // The agent's own "completed" suggests Done; the user still decides.
    await expect.poll(() => item.getByTestId('mark-done').getAttribute('class')).toContain('suggested');
    await item.getByTestId('mark-done').click();

    await expect.poll(() => popup.getByTestId('need-outcome-count').innerText()).toBe('2');
    await expect.poll(async () => digits(await popup.getByTestId('tasks-done').locator('.figure').innerText())).toBe(1);
    const perDone = await popup.getByTestId('tokens-per-done').locator('.figure').innerText();
    expect(digits(perDone)).toBe(tokens(agentTask));
    expect((await tasks()).find((t) => t.id === agentTask.id)!.outcome).toBe('done');

    await expect
      .poll(() => badgeTitle(popup))
      .toContain(`${tokens(agentTask).toLocaleString('en-US')} tokens per completed task (1 done)`);

    const dash = await openExtensionPage(b, 'dashboard.html#range=week');
    await dash.locator('main[data-ready="true"]').waitFor();
    await expect
      .poll(async () => digits(await dash.getByTestId('dash-tasks-done').innerText()))
      .toBeGreaterThanOrEqual(1);
    expect(await dash.getByTestId('dash-tokens-per-done').innerText()).toContain(
      tokens(agentTask).toLocaleString('en-US'),
    );
    await dash.close();
    await popup.close();
  });

  it('merging the two conversations into one task keeps every total and leaves one task fewer', async () => {
    const before = await tasks();
    const sum = (ts: TaskRow[]) => ts.reduce((n, t) => n + tokens(t), 0);
    const dash = await openExtensionPage(b, 'dashboard.html#range=week');
    await dash.setViewportSize({ width: 1280, height: 900 });
    await dash.locator('main[data-ready="true"]').waitFor();
    for (const t of chatTasks) {
      await dash.locator(`[data-testid="task-row"][data-task-id="${t.id}"] input[type="checkbox"]`).check();
    }
    await dash.getByTestId('merge').click();
    const after = (await waitFor(async () => {
      const t = await tasks();
      return t.length === before.length - 1 ? t : undefined;
    }))!;
    expect(sum(after)).toBe(sum(before));
    const merged = after.find((t) => chatTasks.some((c) => c.id === t.id))!;
    expect(merged).toMatchObject({ conversations: 2, turns: 3 });
    await expect.poll(() => dash.locator('[data-testid="task-row"]').count()).toBe(after.length);
    await dash.close();
  });
});

describe('the weekly summary', () => {
  it('saves this week as Markdown and the chart as PNG, files made on this device', async () => {
    const dash = await openExtensionPage(b, 'dashboard.html#range=week');
    await dash.locator('main[data-ready="true"]').waitFor();
    const downloads: import('playwright-core').Download[] = [];
    dash.on('download', (d) => downloads.push(d));
    await dash.getByRole('button', { name: /summary/i }).click();
    await expect.poll(() => downloads.length, { timeout: 15_000 }).toBe(2);
    const names = downloads.map((d) => d.suggestedFilename()).sort();
    expect(names[0]).toMatch(/^tokenwise-week-\d{4}-\d{2}-\d{2}\.md$/);
    expect(names[1]).toMatch(/^tokenwise-week-\d{4}-\d{2}-\d{2}\.png$/);
    const md = downloads.find((d) => d.suggestedFilename().endsWith('.md'))!;
    const text = await new Promise<string>((resolve, reject) => {
      void md.createReadStream().then((stream) => {
        let out = '';
        stream.on('data', (c: Buffer) => (out += c.toString('utf8')));
        stream.on('end', () => resolve(out));
        stream.on('error', reject);
      }, reject);
    });
    expect(text).toContain('Tokenwise — week of');
    expect(text).toContain('Triage my inbox'); // the task marked done above
    const png = downloads.find((d) => d.suggestedFilename().endsWith('.png'))!;
    const head = await new Promise<Buffer>((resolve, reject) => {
      void png.createReadStream().then((stream) => {
        const parts: Buffer[] = [];
        stream.on('data', (c: Buffer) => parts.push(c));
        stream.on('end', () => resolve(Buffer.concat(parts)));
        stream.on('error', reject);
      }, reject);
    });
    expect(head.subarray(1, 4).toString('ascii')).toBe('PNG');
    await dash.close();
  });
});

describe('screenshots over a seeded history', () => {
  it.each(['light', 'dark'] as const)('popup and dashboard, %s', async (scheme) => {
    const seeded = await launch({ colorScheme: scheme });
    try {
      const page = await openExtensionPage(seeded, 'popup.html');
      const seed = await seedWhenReady(page, { days: 56, perDay: 36, titles: SEED_TITLES });
      expect(seed.tasks).toBeGreaterThan(400);
      await page.close();

      const popup = await openExtensionPage(seeded, 'popup.html');
      await popup.setViewportSize({ width: 360, height: 600 });
      await popup.locator('main[data-ready="true"]').waitFor();
      await popup.getByTestId('window-30d').click();
      await screenshot(popup, `popup-tasks-${scheme}`);
      await popup.close();

      const dash = await openExtensionPage(seeded, 'dashboard.html#range=30d');
      await dash.setViewportSize({ width: 1280, height: 900 });
      await dash.locator('main[data-ready="true"]').waitFor();
      // The charts and the trend arrive just after the first render: picture the page a moment later.
      await expect.poll(() => dash.locator('canvas').count()).toBeGreaterThanOrEqual(2);
      await expect.poll(() => dash.getByTestId('dash-tokens-per-done').innerText()).not.toContain('Comparing');
      await dash.waitForTimeout(400);
      await screenshot(dash, `dashboard-${scheme}`, { fullPage: false });
      const first = dash.locator('[data-testid="task-row"]').first();
      await first.click();
      await dash.getByTestId('task-detail').waitFor();
      await dash.getByTestId('task-detail').locator('canvas').first().waitFor();
      await dash.waitForTimeout(400);
      await screenshot(dash, `dashboard-task-${scheme}`, { fullPage: false });
      await dash.close();
    } finally {
      await seeded.close();
    }
  });
});
