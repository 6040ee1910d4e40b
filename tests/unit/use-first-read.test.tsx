// @vitest-environment happy-dom
// How a page hands over from its head script's early read to its own live queries (components/use-first-read.ts).
import { act } from 'react';
import { describe, expect, it } from 'vitest';
import { FIRST_READ_WAIT_MS, useFirstRead, type TakenFirstRead } from '@/components/use-first-read';
import { mountEachTest } from './react-root';

const mounted = mountEachTest();
const render = (first: TakenFirstRead | undefined) => act(() => mounted.root.render(<Probe first={first} />));

const toData = (rows: Record<string, unknown[]>, now: number) => `${rows.tasks!.length} tasks at ${now}`;

function Probe({ first }: { first: TakenFirstRead | undefined }) {
  const { settled, data } = useFirstRead(first, toData);
  return <p data-settled={String(settled)}>{data ?? 'no data'}</p>;
}
const shown = () => {
  const p = mounted.container.querySelector('p')!;
  return { settled: p.dataset.settled === 'true', text: p.textContent };
};
const wait = (ms: number) => act(() => new Promise((r) => setTimeout(r, ms)));

describe('useFirstRead', () => {
  it('is settled at once, with no data, on a page without an early read', () => {
    render(undefined);
    expect(shown()).toEqual({ settled: true, text: 'no data' });
  });

  it('shows the early read’s rows and then settles', async () => {
    let resolve!: (rows: Record<string, unknown[]>) => void;
    const rows = new Promise<Record<string, unknown[]> | undefined>((r) => (resolve = r));
    render({ now: 42, rows });
    expect(shown()).toEqual({ settled: false, text: 'no data' }); // the live queries wait for it
    await act(async () => resolve({ tasks: [{}, {}] }));
    expect(shown()).toEqual({ settled: true, text: '2 tasks at 42' });
  });

  it('settles with no data when the early read found nothing usable', async () => {
    render({ now: 1, rows: Promise.resolve(undefined) });
    await wait(0);
    expect(shown()).toEqual({ settled: true, text: 'no data' });
  });

  it(`stops waiting for a read that has not finished after ${FIRST_READ_WAIT_MS} ms`, async () => {
    render({ now: 1, rows: new Promise(() => {}) });
    await wait(FIRST_READ_WAIT_MS / 2);
    expect(shown().settled).toBe(false);
    await wait(FIRST_READ_WAIT_MS / 2 + 100);
    expect(shown()).toEqual({ settled: true, text: 'no data' });
  });
});
