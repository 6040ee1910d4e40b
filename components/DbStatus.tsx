import { Component, useEffect, useState, useSyncExternalStore, type ReactNode } from 'react';
import {
  dbOpenState,
  describeError,
  isQuotaError,
  statusOf,
  writeErrorItem,
  type DbProblem as Status,
  type WriteError,
} from '@/utils/db-status';

/** The background's last failed write, kept up to date (one storage.local read after the first render). */
function useWriteError(): WriteError | null {
  const [error, setError] = useState<WriteError | null>(null);
  useEffect(() => {
    let live = true;
    void writeErrorItem.getValue().then(
      (v) => live && setError(v),
      () => {},
    );
    const unwatch = writeErrorItem.watch((v) => setError(v));
    return () => {
      live = false;
      unwatch();
    };
  }, []);
  return error;
}

/** The database's status for this page, or null while all is well. */
export function useDbStatus(): Status | null {
  const open = useSyncExternalStore(dbOpenState.subscribe, dbOpenState.get);
  return statusOf(open, useWriteError());
}

const time = (at: number) => new Date(at).toLocaleString(undefined, { hour: '2-digit', minute: '2-digit' });

/** Plain words for each status, and what the person can do about it. */
export function DbStatusNotice({ status }: { status: Status }) {
  let text: ReactNode;
  switch (status.kind) {
    case 'blocked':
      text = (
        <>
          <strong>Tokenwise is waiting for another Tokenwise tab or window to close to update its database.</strong>{' '}
          Close other Tokenwise tabs (dashboard, settings), or restart the browser. Nothing is lost meanwhile.
        </>
      );
      break;
    case 'failed':
      text = (
        <>
          <strong>Tokenwise could not open its database{status.message ? `: ${status.message}` : '.'}</strong> Your
          history is kept as it was. You can still export it under Settings; restarting the browser tries again.
        </>
      );
      break;
    case 'write-failed':
      text = isQuotaError(status) ? (
        <>
          <strong>Tokenwise could not save new usage: the browser says its storage is full.</strong> Nothing is lost
          yet: new usage waits and is saved as soon as there is room. Free some disk space, or shorten how long history
          is kept under Settings. (Since {time(status.at)}.)
        </>
      ) : (
        <>
          <strong>Tokenwise could not save new usage{status.message ? `: ${status.message}` : '.'}</strong> It keeps it
          and tries again every minute. (Since {time(status.at)}.)
        </>
      );
      break;
  }
  return (
    <div className="notice warn" role="alert" data-testid="db-status" data-state={status.kind}>
      {text}
    </div>
  );
}

/** Nothing while the database is fine; a clear notice (role=alert) when it is blocked, failed or full. */
export function DbStatus() {
  const status = useDbStatus();
  return status ? <DbStatusNotice status={status} /> : null;
}

/**
 * Wraps a page so a failed database open (a query that throws while rendering) shows the notice instead of
 * an empty page. `fallback` is the page's outer element, e.g. `(n) => <main className="popup">{n}</main>`.
 */
export class DbStatusBoundary extends Component<
  { children: ReactNode; fallback?: (notice: ReactNode) => ReactNode },
  { error: unknown }
> {
  override state: { error: unknown } = { error: undefined };
  static getDerivedStateFromError(error: unknown) {
    return { error };
  }
  override render() {
    const { error } = this.state;
    if (error === undefined) return this.props.children;
    const open = dbOpenState.get();
    const described = describeError(error);
    // Only the database's own failures are this component's to explain; any other error goes on up.
    if (open.kind !== 'failed' && !DB_ERRORS.test(described.name)) throw error;
    const notice = <DbStatusNotice status={open.kind === 'failed' ? open : { kind: 'failed', ...described }} />;
    return this.props.fallback ? this.props.fallback(notice) : notice;
  }
}

/** Dexie's and IndexedDB's names for a database that could not be opened or upgraded. */
const DB_ERRORS = /^(OpenFailed|DatabaseClosed|Upgrade|Version|MissingAPI|InvalidState|Abort)(Error)?$/;
