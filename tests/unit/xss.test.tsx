// @vitest-environment happy-dom
// Reliability test 26: page titles and site addresses come from web pages, so they are hostile input. The
// popup and the dashboard must show them as literal text: no element, attribute or link comes from them.
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { App as Popup } from '@/entrypoints/popup/App';
import { App as Dashboard } from '@/entrypoints/dashboard/App';
import { getDb } from '@/utils/db';
import { dayOf } from '@/utils/day';
import { weeklySummaryMarkdown } from '@/utils/weekly-summary';
import { startOfWeek } from '@/utils/task-metrics';
import { installFakePermissions } from './fakes';
import { task } from './dashboard/fixtures';
import { allTasks, putTasks } from '@/utils/task-store';

vi.mock('@/components/UsageChart', () => ({ UsageChart: () => null }));
vi.mock('@/entrypoints/dashboard/DailyChart', () => ({ DailyChart: () => null }));
vi.mock('@/entrypoints/dashboard/BreakdownBars', () => ({ BreakdownBars: () => null }));

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

/** A small corpus of what pages have been seen to put in titles to attack whoever renders them. */
const CORPUS = [
  '<img src=x onerror=alert(1)>',
  '<script>alert(document.domain)</script>',
  '"><svg onload=alert(1)>',
  "javascript:alert('x')",
  '<a href="javascript:alert(1)">click</a>',
  '<iframe srcdoc="<script>alert(1)</script>">',
  '{{constructor.constructor("alert(1)")()}}',
  '<style>*{display:none}</style>',
  '\u202Egnp.exe', // right-to-left override
  '[link](javascript:alert(1)) ![x](http://evil.example/x.png)',
];

let root: Root;
let container: HTMLElement;

async function render(node: React.ReactNode) {
  container = document.createElement('div');
  document.body.append(container);
  root = createRoot(container);
  await act(async () => root.render(node));
  for (let i = 0; i < 100 && !container.querySelector('main[data-ready="true"]'); i++)
    await act(async () => new Promise((r) => setTimeout(r, 10)));
  await act(async () => new Promise((r) => setTimeout(r, 30)));
}

beforeEach(async () => {
  installFakePermissions();
  vi.spyOn(fakeBrowser.runtime, 'getManifest').mockReturnValue({ manifest_version: 3, name: 'T', version: '1' });
  vi.spyOn(fakeBrowser.runtime, 'sendMessage').mockResolvedValue({ ok: true } as never);
  vi.spyOn(fakeBrowser.tabs, 'query').mockResolvedValue([] as never);
  const db = getDb();
  await Promise.all(db.tables.map((t) => t.clear()));
  const now = Date.now();
  await putTasks(
    db,
    CORPUS.map((title, i) =>
      task({
        id: `t|x${i}`,
        title,
        // Idle for over half an hour, so the popup asks for their outcome.
        lastAt: now - 40 * 60_000 - i * 1000,
        createdAt: now - 3_600_000,
        day: dayOf(now - 40 * 60_000 - i * 1000),
        // Half of them done (the weekly summary lists those), half waiting (the popup lists those).
        ...(i % 2 ? { outcome: 'done' as const, outcomeAt: now } : {}),
      }),
    ),
  );
});
afterEach(async () => {
  await act(async () => root.unmount());
  container.remove();
  vi.restoreAllMocks();
});

const ACTIVE = ['img', 'script', 'svg', 'iframe', 'style', 'object', 'embed', 'a'];
const countTags = () => Object.fromEntries(ACTIVE.map((t) => [t, container.querySelectorAll(t).length]));

/** The same page with harmless titles: the elements the page has of its own (icons, links). */
async function baseline(node: React.ReactNode) {
  const db = getDb();
  const saved = await allTasks(db);
  await putTasks(
    db,
    saved.map((t, i) => ({ ...t, title: `Task number ${i}` })),
  );
  await render(node);
  const counts = countTags();
  await act(async () => root.unmount());
  container.remove();
  await putTasks(db, saved);
  return counts;
}

function expectOnlyText(own: Record<string, number>) {
  expect(countTags()).toEqual(own);
  for (const el of container.querySelectorAll('*')) {
    for (const attr of el.getAttributeNames()) expect(attr.startsWith('on'), `${el.tagName} ${attr}`).toBe(false);
  }
  for (const a of container.querySelectorAll('a[href]')) {
    expect(a.getAttribute('href')!.trim().toLowerCase().startsWith('javascript:')).toBe(false);
  }
}

describe('hostile titles', () => {
  it('the popup lists them as literal text', async () => {
    const own = await baseline(<Popup />);
    await render(<Popup />);
    const listed = [...container.querySelectorAll('[data-testid="outcome-item"]')].map((li) => li.textContent);
    expect(listed.length).toBeGreaterThan(0);
    for (const shown of listed)
      expect(
        CORPUS.some((t) => shown!.includes(t)),
        shown!,
      ).toBe(true);
    expectOnlyText(own);
  });

  it('the dashboard shows every one as literal text', async () => {
    const own = await baseline(<Dashboard />);
    await render(<Dashboard />);
    const text = container.textContent ?? '';
    for (const title of CORPUS) expect(text).toContain(title);
    expectOnlyText(own);
  });

  it('the weekly summary escapes them, so no Markdown viewer makes a link or an image of them', async () => {
    const now = Date.now();
    const md = weeklySummaryMarkdown({
      tasks: await allTasks(getDb()),
      daily: [],
      weekStart: startOfWeek(dayOf(now)),
      now,
      pricesAsOf: '2026-09-23',
    });
    expect(md).toContain('\\<script\\>alert(document.domain)');
    expect(md).toContain('\\[link\\](javascript:alert(1))'); // brackets escaped: literal text, not a link
    expect(md).not.toMatch(/[^\\]\]\(javascript:/i);
    expect(md).not.toMatch(/!\[x\]\(http/);
    expect(md).not.toContain('<script>');
  });
});
