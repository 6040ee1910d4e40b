import { useEffect, useState } from 'react';
import type { takeFirstRead } from '@/utils/first-read';

/** How long a page waits for its head script's read before reading through its own queries instead. */
export const FIRST_READ_WAIT_MS = 1_000;

export type TakenFirstRead = NonNullable<ReturnType<typeof takeFirstRead>>;

/**
 * The first frame's data from the page's <head> read (utils/first-read.ts), and whether that read has settled.
 * Pages start their live (Dexie) queries only once it has, so those do not compete with the first frame for the
 * main thread; the live results then replace these. `first` is taken once per page load, at module level.
 */
export function useFirstRead<T>(
  first: TakenFirstRead | undefined,
  toData: (rows: Record<string, unknown[]>, now: number) => T,
): { settled: boolean; data?: T } {
  const [state, setState] = useState<{ settled: boolean; data?: T }>(() => ({ settled: !first }));
  useEffect(() => {
    if (!first) return;
    let mounted = true;
    // A read that has not finished by then (say, waiting behind a long upgrade) no longer holds the page back:
    // the live queries start and show what they read.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), FIRST_READ_WAIT_MS);
    });
    void Promise.race([first.rows, late]).then((rows) => {
      clearTimeout(timer);
      if (mounted) setState({ settled: true, data: rows && toData(rows, first.now) });
    });
    return () => {
      mounted = false;
      clearTimeout(timer);
    };
    // `first` and `toData` are fixed for the page's life: read once.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  return state;
}
