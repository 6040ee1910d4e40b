// @vitest-environment happy-dom
// useLazyLiveQuery (components/use-lazy-live-query.ts): Dexie's live query, with Dexie loaded only when needed.
import { act, Component, type ReactNode } from 'react';
import { liveQuery } from 'dexie';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useLazyLiveQuery } from '@/components/use-lazy-live-query';
import type { TokenwiseDB } from '@/utils/db';
import type { SiteHealth } from '@/utils/records';
import { freshDb } from './helpers';
import { mountEachTest } from './react-root';

const mounted = mountEachTest();
let db: TokenwiseDB;
const load = () => Promise.resolve({ liveQuery });
beforeEach(() => {
  db = freshDb();
});
afterEach(() => db.close());

const health = (site: string): SiteHealth => ({ site, unrecognised: 0, rejected: 0 });
const settle = () => act(() => new Promise((r) => setTimeout(r, 50)));
const text = () => mounted.container.textContent;
/** Settles until the page shows `expected` (live queries answer after IndexedDB does), for at most 3 s. */
async function until(expected: string) {
  for (let i = 0; i < 60 && text() !== expected; i++) await settle();
  expect(text()).toBe(expected);
}

function Sites({ on }: { on: boolean }) {
  const sites = useLazyLiveQuery(load, () => (on ? () => db.health.toArray() : undefined), [on]);
  return <p>{sites === undefined ? 'reading' : sites.map((s) => s.site).join(',') || 'none'}</p>;
}

class Boundary extends Component<{ children: ReactNode }, { error?: string }> {
  override state: { error?: string } = {};
  static getDerivedStateFromError(e: unknown) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
  override render() {
    return this.state.error ? <p>failed: {this.state.error}</p> : this.props.children;
  }
}

describe('useLazyLiveQuery', () => {
  it('reads nothing while its querier is undefined, then reads and follows changes', async () => {
    act(() => mounted.root.render(<Sites on={false} />));
    await settle();
    expect(text()).toBe('reading');
    act(() => mounted.root.render(<Sites on />));
    await until('none');
    await act(() => db.health.put(health('https://a.example')));
    await until('https://a.example');
  });

  it('keeps the last result on screen when the deps change', async () => {
    await db.health.put(health('https://a.example'));
    act(() => mounted.root.render(<Sites on />));
    await until('https://a.example');
    act(() => mounted.root.render(<Sites on={false} />));
    expect(text()).toBe('https://a.example');
  });

  it('throws a failed read to the error boundary, as useLiveQuery does', async () => {
    function Failing() {
      const v = useLazyLiveQuery(load, () => () => Promise.reject(new Error('database blocked')), []);
      return <p>{String(v)}</p>;
    }
    act(() =>
      mounted.root.render(
        <Boundary>
          <Failing />
        </Boundary>,
      ),
    );
    await until('failed: database blocked');
  });

  it('reports a module that could not be loaded the same way', async () => {
    function NoModule() {
      const v = useLazyLiveQuery(
        () => Promise.reject(new Error('chunk missing')),
        () => undefined,
        [],
      );
      return <p>{String(v)}</p>;
    }
    act(() =>
      mounted.root.render(
        <Boundary>
          <NoModule />
        </Boundary>,
      ),
    );
    await until('failed: chunk missing');
  });
});
