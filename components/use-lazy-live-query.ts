import { useEffect, useState, type DependencyList } from 'react';
import type { liveQuery } from 'dexie';

/** A lazily loaded module that brings Dexie's liveQuery with its queries. */
export interface LiveModule {
  liveQuery: typeof liveQuery;
}

/**
 * Dexie's useLiveQuery, with Dexie itself loaded only when the first query starts: a page whose first frame
 * comes from its head script's read (utils/first-read.ts) need not evaluate Dexie (~100 KB) before it.
 *
 * Like useLiveQuery: undefined until the first result; the last result stays while new deps are read (no
 * flash of an empty page); a failed read is thrown during render, so an error boundary (DbStatusBoundary) says
 * what happened. A querier of undefined means "nothing to read yet".
 */
export function useLazyLiveQuery<M extends LiveModule, T>(
  load: () => Promise<M>,
  querier: (m: M) => (() => Promise<T>) | undefined,
  deps: DependencyList,
): T | undefined {
  const [state, setState] = useState<{ value?: T; error?: unknown }>({});
  useEffect(
    () => {
      let active = true;
      let unsubscribe: (() => void) | undefined;
      load().then(
        (m) => {
          const q = active ? querier(m) : undefined;
          if (!q) return;
          const sub = m.liveQuery(q).subscribe({
            next: (value) => setState({ value }),
            error: (error: unknown) => setState((s) => ({ ...s, error })),
          });
          unsubscribe = () => sub.unsubscribe();
        },
        (error: unknown) => {
          if (active) setState((s) => ({ ...s, error }));
        },
      );
      return () => {
        active = false;
        unsubscribe?.();
      };
    },
    // The caller's deps, as with useLiveQuery: `load` and `querier` are read fresh whenever they change.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    deps,
  );
  if (state.error !== undefined) throw state.error;
  return state.value;
}
