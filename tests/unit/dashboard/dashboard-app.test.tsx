// @vitest-environment happy-dom
// The dashboard as a person uses it, over a seeded database: the table sorts, searches and filters, and the
// controls ask the background (mocked, as the only writer) for the change.
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { App } from '@/entrypoints/dashboard/App';
import type { TokenwiseDB } from '@/utils/db';
import { dayOf } from '@/utils/day';
import { type Task } from '@/utils/records';
import { emptyRollup } from '@/utils/task-rollups';
import { freshDb } from '../helpers';
import { daily, HOUR, task, turn } from './fixtures';
import { putTurns } from '@/utils/turn-store';
import { putConversations } from '@/utils/conversation-store';
import { getTask, putTasks } from '@/utils/task-store';

// Canvases are not what this test is about (happy-dom has no 2D context); the charts' data is tested in
// day-series, breakdowns and turn-series.
vi.mock('@/entrypoints/dashboard/DailyChart', () => ({ DailyChart: () => null }));
vi.mock('@/entrypoints/dashboard/BreakdownBars', () => ({ BreakdownBars: () => null }));
vi.mock('@/entrypoints/dashboard/TaskTokensChart', () => ({ TaskTokensChart: () => null }));

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

let root: Root;
let container: HTMLElement;
let db: TokenwiseDB;
let sent: unknown[];

const now = Date.now();
const today = dayOf(now);
const at = (hoursAgo: number) => now - hoursAgo * HOUR;

function seeded(over: Partial<Task> & { tokens?: number; hoursAgo: number }): Task {
  const { hoursAgo, ...rest } = over;
  const lastAt = at(hoursAgo);
  return task({ lastAt, createdAt: lastAt - HOUR, day: dayOf(lastAt), ...rest });
}

const TASKS = [
  seeded({ id: 't|report', title: 'Quarterly report', tokens: 4000, hoursAgo: 0.5, signals: { copied: 1 } }),
  seeded({ id: 't|bug', title: 'Fix login bug', tokens: 12_000, exactTokens: 9000, hoursAgo: 2, outcome: 'done' }),
  seeded({ id: 't|api', title: 'Explore payments API', tokens: 800, hoursAgo: 3, note: 'Stripe sandbox' }),
  seeded({ id: 't|old', title: 'Last quarter', tokens: 500, hoursAgo: 24 * 200 }), // outside 30 days
];

/** Lets Dexie's reads (several macrotasks each in fake-indexeddb) and the renders they cause finish. */
async function flush() {
  for (let i = 0; i < 5; i++) await act(async () => new Promise((r) => setTimeout(r, 10)));
}

async function render(hash = '') {
  history.replaceState(null, '', hash || location.pathname);
  container = document.createElement('div');
  document.body.append(container);
  root = createRoot(container);
  await act(async () => root.render(<App db={db} />));
  for (let i = 0; i < 100 && !container.querySelector('main[data-ready="true"]'); i++) await flush();
  expect(container.querySelector('main[data-ready="true"]')).not.toBeNull();
  await flush(); // the queries that follow the first view (models, the running task)
}

const $ = <E extends Element = HTMLElement>(sel: string, from: ParentNode = container) => from.querySelector<E>(sel);
const rowIds = () =>
  [...container.querySelectorAll('[data-testid="task-row"]')].map((r) => r.getAttribute('data-task-id'));
const row = (id: string) => $(`[data-testid="task-row"][data-task-id="${id}"]`)!;
const click = async (el: Element | null) => {
  expect(el).not.toBeNull();
  await act(async () => (el as HTMLElement).click());
  await flush();
};
async function type(input: HTMLInputElement, value: string) {
  await act(async () => {
    Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!.call(input, value);
    input.dispatchEvent(new Event('input', { bubbles: true }));
  });
  await flush();
}

beforeEach(async () => {
  db = freshDb();
  await putTasks(db, TASKS);
  await db.daily.bulkPut([daily(today, 'exact', 15_000, undefined, 0.42), daily(today, 'estimated', 3000)]);
  sent = [];
  vi.spyOn(fakeBrowser.runtime, 'sendMessage').mockImplementation(async (msg: unknown) => {
    sent.push(msg);
    return { ok: true };
  });
});
afterEach(async () => {
  await act(async () => root.unmount());
  container.remove();
  db.close();
});

describe('task table', () => {
  it('lists the range’s tasks, newest first', async () => {
    await render();
    expect(rowIds()).toEqual(['t|report', 't|bug', 't|api']);
    expect($('th[aria-sort]')?.textContent).toContain('Last active');
    expect($('th[aria-sort]')?.getAttribute('aria-sort')).toBe('descending');
  });

  it('sorts by a column when its header is clicked, and the other way on a second click', async () => {
    await render();
    await click($('[data-testid="sort-tokens"]'));
    expect(rowIds()).toEqual(['t|bug', 't|report', 't|api']);
    expect($('[data-testid="sort-tokens"]')!.closest('th')!.getAttribute('aria-sort')).toBe('descending');
    await click($('[data-testid="sort-tokens"]'));
    expect(rowIds()).toEqual(['t|api', 't|report', 't|bug']);
    await click($('[data-testid="sort-title"]'));
    expect(rowIds()).toEqual(['t|api', 't|bug', 't|report']);
  });

  it('marks partly estimated totals with ≈', async () => {
    await render();
    expect(row('t|bug').textContent).toContain('≈12,000');
    expect(row('t|report').textContent).not.toContain('≈');
  });

  it('searches titles and notes, and filters by outcome', async () => {
    await render();
    await type($<HTMLInputElement>('[data-testid="task-search"]')!, 'stripe');
    expect(rowIds()).toEqual(['t|api']);
    await type($<HTMLInputElement>('[data-testid="task-search"]')!, '');
    await click($('[data-testid="filter-done"]'));
    expect(rowIds()).toEqual(['t|bug']);
    expect($('[data-testid="filter-done"]')!.getAttribute('aria-pressed')).toBe('true');
    await click($('[data-testid="filter-open"]'));
    expect(rowIds()).toEqual(['t|report', 't|api']);
  });

  it('clicking Done asks the background to mark that task, and shows the suggestion until then', async () => {
    await render();
    expect($('[data-testid="outcome-hint"]', row('t|report'))!.textContent).toBe(
      'suggested: done — you copied a reply',
    );
    await click($('[data-testid="outcome-done"]', row('t|report')));
    expect(sent).toEqual([{ type: 'set-outcome', taskId: 't|report', outcome: 'done' }]);
  });

  it('shows a marked outcome as pressed, and "clear" unmarks it', async () => {
    await render();
    expect($('[data-testid="outcome-done"]', row('t|bug'))!.getAttribute('aria-pressed')).toBe('true');
    await click($('[data-testid="outcome-clear"]', row('t|bug')));
    expect(sent).toEqual([{ type: 'set-outcome', taskId: 't|bug', outcome: null }]);
  });

  it('merges the selected tasks into the most recent one', async () => {
    await render();
    expect($<HTMLButtonElement>('[data-testid="merge"]')!.disabled).toBe(true);
    await click($('input[type="checkbox"]', row('t|api')));
    await click($('input[type="checkbox"]', row('t|report')));
    await click($('[data-testid="merge"]'));
    expect(sent).toEqual([{ type: 'merge-tasks', into: 't|report', from: ['t|api'] }]);
  });

  it('draws the first 50 rows, and more on request, saying how many are left', async () => {
    await putTasks(
      db,
      Array.from({ length: 300 }, (_, i) => seeded({ id: `t|many${i}`, title: `Task ${i}`, hoursAgo: 5 + i / 10 })),
    );
    await render();
    expect(rowIds()).toHaveLength(50);
    expect(rowIds().slice(0, 3)).toEqual(['t|report', 't|bug', 't|api']);
    expect($('[data-testid="show-more"]')!.textContent).toBe('Show 200 more of 253');
    await click($('[data-testid="show-more"]'));
    expect(rowIds()).toHaveLength(250);
    expect($('[data-testid="show-more"]')!.textContent).toBe('Show 53 more of 53');
    await click($('[data-testid="show-more"]'));
    expect(rowIds()).toHaveLength(303);
    expect($('[data-testid="show-more"]')).toBeNull();
  });

  it('follows the range in the address', async () => {
    await render('#range=all');
    expect(rowIds()).toEqual(['t|report', 't|bug', 't|api', 't|old']);
    expect($('[data-testid="range-all"]')!.getAttribute('aria-pressed')).toBe('true');
    await click($('[data-testid="range-today"]'));
    expect(location.hash).toBe('#range=today');
    expect(rowIds()).toHaveLength(TASKS.filter((t) => t.day === today).length);
  });
});

describe('headline figures', () => {
  it('counts the range’s tasks by outcome and shows exact apart from estimated tokens', async () => {
    await render();
    expect($('[data-testid="dash-tasks-done"]')!.textContent).toMatch(/^Tasks done1of 3/);
    expect($('[data-testid="dash-tokens"]')!.textContent).toContain('15,000');
    expect($('[data-testid="dash-tokens"]')!.textContent).toContain('≈3,000');
    expect($('[data-testid="dash-unpriced"]')!.textContent).toBe('no price for 3,000 tokens');
    expect($('[data-testid="dash-tokens-per-done"]')!.textContent).toContain('12,000');
  });
});

describe('live updates', () => {
  // The first view is read in one explicit transaction (no copy through Dexie's query cache); the page must
  // still follow what the background writes afterwards.
  it('shows a task, an outcome and tokens the background stores after the first view', async () => {
    await render();
    await act(async () => {
      await putTasks(db, [seeded({ id: 't|new', title: 'Brand new task', tokens: 700, hoursAgo: 0.1 })]);
      await putTasks(db, [{ ...(await getTask(db, 't|report'))!, outcome: 'done', outcomeAt: now }]);
      await db.daily.put(daily(today, 'exact', 16_000, undefined, 0.42));
    });
    await flush();
    expect(rowIds()).toEqual(['t|new', 't|report', 't|bug', 't|api']);
    expect($('[data-testid="dash-tasks-done"]')!.textContent).toMatch(/^Tasks done2of 4/);
    expect($('[data-testid="dash-tokens"]')!.textContent).toContain('16,000');
  });
});

describe('task detail', () => {
  it('opens from a link in the address with its conversations and calls, hidden calls labelled', async () => {
    const conversationId = 'https://chat.acme.example|p:abc';
    const { inputTokens, outputTokens, exactTokens, turns: n } = TASKS[1]!;
    await putConversations(db, [
      {
        ...emptyRollup(),
        inputTokens,
        outputTokens,
        exactTokens,
        turns: n,
        id: conversationId,
        site: 'https://chat.acme.example',
        kind: 'chat',
        taskId: 't|bug',
        title: 'Login bug chat',
        firstAt: at(3),
        lastAt: at(2),
        signals: {},
      },
    ]);
    await putTurns(db, [
      turn({ id: 'u1', conversationId, at: at(3), day: dayOf(at(3)) }),
      turn({ id: 'u2', conversationId, at: at(2.5), day: dayOf(at(2.5)), background: true, model: 'gpt-4o-mini' }),
    ]);
    await render(`#task=${encodeURIComponent('t|bug')}`);
    const detail = $('[data-testid="task-detail"]')!;
    expect($('[data-testid="task-detail-title"]', detail)!.textContent).toBe('Fix login bug');
    expect($('[data-testid="task-conversations"]', detail)!.textContent).toContain('Login bug chat');
    const turns = detail.querySelectorAll('[data-testid="turn-row"]');
    expect(turns).toHaveLength(2);
    expect(turns[1]!.textContent).toContain('hidden call');
    expect(document.activeElement).toBe($('[data-testid="task-detail-title"]', detail));
  });

  it('renames in place', async () => {
    await render(`#task=${encodeURIComponent('t|api')}`);
    await click($('[data-testid="rename"]'));
    const input = $<HTMLInputElement>('[data-testid="rename-input"]')!;
    await type(input, 'Payments API spike');
    await act(async () => input.form!.requestSubmit());
    await flush();
    expect(sent).toEqual([{ type: 'rename-task', taskId: 't|api', title: 'Payments API spike' }]);
  });

  it('says so when the task is gone', async () => {
    await render('#task=t%7Cmerged-away');
    expect($('[data-testid="task-detail"]')!.textContent).toContain('no longer here');
  });
});
