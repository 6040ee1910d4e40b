import { useEffect, useState } from 'react';
import type { takeFirstRead } from '@/utils/first-read';

/** How long a page waits for its head script's read before reading through its own queries instead. */
export const FIRST_READ_WAIT_MS = 1_000;

export type TakenFirstRead = NonNullable<ReturnType<typeof takeFirstRead>>;

/**
 * The head script's rows once read; undefined when there was no such read, it found nothing to read, or it has
 * not finished within FIRST_READ_WAIT_MS (say, waiting behind a long upgrade): the page's own queries take over.
 */
export function firstReadRows(first: TakenFirstRead | undefined): Promise<Record<string, unknown[]> | undefined> {
  if (!first) return Promise.resolve(undefined);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), FIRST_READ_WAIT_MS);
  });
  return Promise.race([first.rows, late]).finally(() => clearTimeout(timer));
}

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
    void firstReadRows(first).then((rows) => {
      if (mounted) setState({ settled: true, data: rows && toData(rows, first.now) });
    });
    return () => {
      mounted = false;
    };
    // `first` and `toData` are fixed for the page's life: read once.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  return state;
}
