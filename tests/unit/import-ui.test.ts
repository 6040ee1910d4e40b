// @vitest-environment happy-dom
// "Your data" in the options page as a person uses it: pick a file, read the preview, confirm; delete all.
import { act, createElement } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { DataTransfer } from '@/entrypoints/options/DataTransfer';
import * as dbModule from '@/utils/db';
import type { TokenwiseDB } from '@/utils/db';
import { exportAll } from '@/utils/export';
import { checksum, seedSample } from '../fixtures/export/history';
import { freshDb } from './helpers';
import { countTurns } from '@/utils/turn-store';
import { countTasks } from '@/utils/task-store';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

let root: Root;
let container: HTMLElement;
let db: TokenwiseDB;
let exported: string;

beforeEach(async () => {
  vi.spyOn(fakeBrowser.runtime, 'getManifest').mockReturnValue({ manifest_version: 3, name: 'T', version: '0.1.0' });
  vi.spyOn(fakeBrowser.runtime, 'sendMessage').mockResolvedValue(undefined);
  const source = freshDb();
  await seedSample(source);
  exported = await (await exportAll(source)).text();
  db = freshDb();
  vi.spyOn(dbModule, 'getDb').mockReturnValue(db);
  container = document.createElement('div');
  document.body.append(container);
  root = createRoot(container);
  await act(async () => root.render(createElement(DataTransfer)));
});
afterEach(async () => {
  await act(async () => root.unmount());
  container.remove();
});

const $ = (id: string) => container.querySelector<HTMLElement>(`[data-testid="${id}"]`);
const settle = () => act(async () => void (await new Promise((r) => setTimeout(r, 50))));

async function pick(text: string) {
  const input = $('import-file') as HTMLInputElement;
  const file = new File([text], 'tokenwise-export-2026-11-25.json', { type: 'application/json' });
  Object.defineProperty(input, 'files', { value: [file], configurable: true });
  await act(async () => void input.dispatchEvent(new Event('change', { bubbles: true })));
  for (let i = 0; i < 20 && !$('import-preview') && !$('import-result')?.textContent?.match(/not|empty/); i++) {
    await settle();
  }
}

const cell = (table: string, col: string) =>
  container.querySelector(`[data-testid="import-preview"] tr[data-table="${table}"] td[data-col="${col}"]`)
    ?.textContent;

async function click(id: string) {
  await act(async () => $(id)!.click());
  for (let i = 0; i < 10; i++) await settle();
}

describe('DataTransfer: import', () => {
  it('has a labelled file input and status regions', () => {
    const input = $('import-file') as HTMLInputElement;
    expect(input.labels?.[0]?.textContent).toContain('Export file');
    expect($('import-result')?.getAttribute('role')).toBe('status');
  });

  it('shows the counts per table, then the confirm writes everything', async () => {
    await pick(exported);
    expect(cell('turns', 'new')).toBe('6');
    expect(cell('tasks', 'new')).toBe('3');
    expect(cell('tasks', 'invalid')).toBe('0');
    expect(await countTurns(db)).toBe(0); // the preview wrote nothing
    expect($('import-valid-only')).toBeNull();
    await click('import-confirm');
    expect(await countTurns(db)).toBe(6);
    expect(await countTasks(db)).toBe(3);
    expect($('import-result')?.textContent).toBe('Imported 19 new or updated records, and the settings from the file.');
    expect($('import-preview')).toBeNull();
  });

  it('lists invalid records with field and reason; only the explicit "valid records only" imports', async () => {
    const f = JSON.parse(exported);
    f.tables.tasks[1].outcome = 'great';
    await pick(JSON.stringify(f));
    expect(cell('tasks', 'invalid')).toBe('1');
    expect($('import-invalid')?.textContent).toContain('Tasks #2, field outcome: "great" is not one of');
    const confirm = $('import-confirm') as HTMLButtonElement;
    expect(confirm.disabled).toBe(true);
    const before = await checksum(db);
    await act(async () => confirm.click());
    expect(await checksum(db)).toBe(before);
    expect($('import-valid-only')?.textContent).toBe('Import the 18 valid records only');
    await click('import-valid-only');
    expect(await countTasks(db)).toBe(2);
    expect(await countTurns(db)).toBe(6);
  });

  it('says what is wrong with a damaged file and shows no preview', async () => {
    await pick(exported.slice(0, 500));
    expect($('import-preview')).toBeNull();
    expect($('import-result')?.textContent).toMatch(/not valid JSON \(at character [\d,]+ of 500\)/);
  });
});

describe('DataTransfer: delete all history', () => {
  it('says what will be lost, offers an export, and deletes only on the explicit confirm', async () => {
    await seedSample(db);
    await click('wipe-open');
    expect(container.querySelector('[role="alertdialog"]')).not.toBeNull();
    expect($('wipe-summary')?.textContent).toContain(
      '3 tasks and 6 recorded model calls from 2026-11-24 to 2026-11-25',
    );
    expect($('wipe-export-first')).not.toBeNull();
    expect(await countTurns(db)).toBe(6);
    await click('wipe-confirm');
    expect(await countTurns(db)).toBe(0);
    expect(await countTasks(db)).toBe(0);
    expect($('wipe-result')?.textContent).toContain('All history was deleted');
  });

  it('"Export first" downloads the JSON file', async () => {
    await seedSample(db);
    const created = vi.spyOn(URL, 'createObjectURL').mockReturnValue('blob:x');
    const clicked: string[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push(this.download);
    });
    await click('wipe-open');
    await click('wipe-export-first');
    expect(created).toHaveBeenCalledOnce();
    expect(clicked).toEqual([expect.stringMatching(/^tokenwise-export-\d{4}-\d{2}-\d{2}\.json$/)]);
    expect(await countTurns(db)).toBe(6);
  });
});

describe('DataTransfer: export', () => {
  it.each([
    ['export-json', /^tokenwise-export-.*\.json$/, 'application/json'],
    ['export-tasks-csv', /^tokenwise-tasks-.*\.csv$/, 'text/csv'],
    ['export-daily-csv', /^tokenwise-daily-.*\.csv$/, 'text/csv'],
  ])('%s saves a file', async (id, name, type) => {
    await seedSample(db);
    const blobs: Blob[] = [];
    vi.spyOn(URL, 'createObjectURL').mockImplementation((b) => (blobs.push(b as Blob), 'blob:x'));
    const clicked: string[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push(this.download);
    });
    await click(id);
    expect(clicked).toEqual([expect.stringMatching(name)]);
    expect(blobs[0]?.type).toBe(type);
    expect($('export-status')?.textContent).toMatch(/^Saved tokenwise-/);
  });
});
