/**
 * How opening this context's database went, and whether the background could save the last usage it got,
 * as one small observable status for the pages (components/DbStatus.tsx). Never a blank popup: a database
 * another tab keeps at an old version ("blocked"), an upgrade that failed, or a full disk each say so.
 *
 * Nothing here reads IndexedDB: the open state comes from the open the first query makes anyway, and the
 * write error from one storage.local item the background sets and clears.
 */
import type Dexie from 'dexie';
import { storage } from '#imports';

export type DbOpenState =
  | { kind: 'opening' }
  | { kind: 'ready' }
  /** Another connection (a tab of an older build) holds the old version and does not close. */
  | { kind: 'blocked' }
  | { kind: 'failed'; name: string; message: string };

/** The background's last failed write (e.g. the disk is full); cleared by its next successful write. */
export interface WriteError {
  name: string;
  message: string;
  at: number;
}

export const writeErrorItem = storage.defineItem<WriteError | null>('local:writeError', { fallback: null });

/** What the pages show: nothing while all is well or opening, a notice otherwise. */
export type DbProblem =
  Exclude<DbOpenState, { kind: 'opening' } | { kind: 'ready' }> | ({ kind: 'write-failed' } & WriteError);

/** A tiny external store (for React's useSyncExternalStore). */
export function createOpenStateStore(initial: DbOpenState = { kind: 'opening' }) {
  let state = initial;
  const listeners = new Set<() => void>();
  return {
    get: () => state,
    set(next: DbOpenState) {
      state = next;
      for (const l of [...listeners]) l();
    },
    subscribe(fn: () => void): () => void {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
  };
}
export type OpenStateStore = ReturnType<typeof createOpenStateStore>;

/** The open state of this context's shared database (utils/db.ts getDb). */
export const dbOpenState = createOpenStateStore();

/** The name and message of whatever was thrown, with Dexie's wrapper unwrapped to the browser's own error. */
export function describeError(e: unknown): { name: string; message: string } {
  const inner = (e as { inner?: unknown } | undefined)?.inner;
  const err = inner instanceof Error || (inner && typeof inner === 'object' && 'name' in inner) ? inner : e;
  if (err && typeof err === 'object') {
    const { name, message } = err as { name?: unknown; message?: unknown };
    return { name: typeof name === 'string' ? name : 'Error', message: typeof message === 'string' ? message : '' };
  }
  return { name: 'Error', message: String(e) };
}

/** Whether an error (or the browser error Dexie wraps) means the storage quota is used up. */
export function isQuotaError(e: unknown): boolean {
  const { name, message } = describeError(e);
  return name === 'QuotaExceededError' || /quota/i.test(message);
}

/**
 * Opens `db` and reports into `store`: `blocked` while another connection holds an old version open (the
 * open resumes by itself once it closes), then `ready`, or `failed` with the reason. Returns the open.
 */
export function trackOpen(db: Dexie, store: OpenStateStore = dbOpenState): Promise<void> {
  db.on('blocked', () => {
    if (store.get().kind !== 'ready') store.set({ kind: 'blocked' });
  });
  return db.open().then(
    () => store.set({ kind: 'ready' }),
    (e: unknown) => store.set({ kind: 'failed', ...describeError(e) }),
  );
}

/** The status to show, from the open state and the background's last write error. */
export function statusOf(open: DbOpenState, write: WriteError | null): DbProblem | null {
  if (open.kind === 'blocked' || open.kind === 'failed') return open;
  if (write) return { kind: 'write-failed', ...write };
  return null;
}
