// @vitest-environment happy-dom
// What a person sees when the database is blocked, failed to upgrade, or full (reliability tests 14, 16, 17):
// nothing while all is well, a plain notice (role=alert) saying what happened and what to do otherwise.
import { act } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { createRoot } from 'react-dom/client';
import { DbStatus, DbStatusBoundary } from '@/components/DbStatus';
import { mountEachTest } from './react-root';
import { dbOpenState, writeErrorItem, type DbOpenState } from '@/utils/db-status';

const mounted = mountEachTest();
afterEach(() => dbOpenState.set({ kind: 'opening' }));

const flush = () => act(() => new Promise((r) => setTimeout(r, 10)));
const alert = () => mounted.container.querySelector('[role="alert"]');

describe('DbStatus', () => {
  it.each<[DbOpenState, RegExp | null]>([
    [{ kind: 'opening' }, null],
    [{ kind: 'ready' }, null],
    [{ kind: 'blocked' }, /waiting for another Tokenwise tab or window to close to update its database/],
    [
      { kind: 'failed', name: 'UpgradeError', message: 'grouping failed halfway' },
      /could not open its database: grouping failed halfway.*export it under Settings/,
    ],
  ])('open state %o shows %s', async (state, text) => {
    act(() => mounted.root.render(<DbStatus />));
    act(() => dbOpenState.set(state));
    await flush();
    if (text === null) expect(mounted.container.innerHTML).toBe('');
    else {
      expect(alert()?.getAttribute('data-state')).toBe(state.kind);
      expect(alert()?.textContent).toMatch(text);
    }
  });

  it('follows the state as it changes: blocked, then ready (the notice goes away)', async () => {
    act(() => mounted.root.render(<DbStatus />));
    await flush();
    act(() => dbOpenState.set({ kind: 'blocked' }));
    expect(alert()).not.toBeNull();
    act(() => dbOpenState.set({ kind: 'ready' }));
    expect(alert()).toBeNull();
  });

  it('says the storage is full when the background could not save, and clears when it saves again', async () => {
    act(() => dbOpenState.set({ kind: 'ready' }));
    act(() => mounted.root.render(<DbStatus />));
    await flush();
    expect(alert()).toBeNull();
    await act(() => writeErrorItem.setValue({ name: 'QuotaExceededError', message: 'quota', at: Date.now() }));
    await flush();
    expect(alert()?.getAttribute('data-state')).toBe('write-failed');
    expect(alert()?.textContent).toMatch(/could not save new usage: the browser says its storage is full/);
    expect(alert()?.textContent).toMatch(/Nothing is lost/);
    await act(() => writeErrorItem.removeValue());
    await flush();
    expect(alert()).toBeNull();
  });

  it('shows a write error already recorded before the page opened', async () => {
    await writeErrorItem.setValue({ name: 'UnknownError', message: 'disk I/O', at: Date.now() });
    act(() => dbOpenState.set({ kind: 'ready' }));
    act(() => mounted.root.render(<DbStatus />));
    await flush();
    expect(alert()?.textContent).toMatch(/could not save new usage: disk I\/O/);
  });
});

describe('DbStatusBoundary', () => {
  function Throws({ error }: { error: Error }): never {
    throw error;
  }
  const named = (name: string, message: string) => Object.assign(new Error(message), { name });

  it('shows the failed-open notice instead of a blank page when a query throws because the database failed', async () => {
    dbOpenState.set({ kind: 'failed', name: 'UpgradeError', message: 'grouping failed halfway' });
    act(() =>
      mounted.root.render(
        <DbStatusBoundary fallback={(n) => <main className="popup">{n}</main>}>
          <Throws error={named('DatabaseClosedError', 'Database has been closed')} />
        </DbStatusBoundary>,
      ),
    );
    expect(mounted.container.querySelector('main [role="alert"]')?.textContent).toMatch(/grouping failed halfway/);
  });

  it('lets any other error through', () => {
    dbOpenState.set({ kind: 'ready' });
    const r = createRoot(document.createElement('div'));
    expect(() =>
      act(() =>
        r.render(
          <DbStatusBoundary>
            <Throws error={new TypeError('a bug')} />
          </DbStatusBoundary>,
        ),
      ),
    ).toThrow('a bug');
  });
});
