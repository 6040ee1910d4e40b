import { useEffect, useState } from 'react';
import type { takeFirstRead } from '@/utils/first-read';

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
    void first.rows.then((rows) => {
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
