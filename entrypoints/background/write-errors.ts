/**
 * Failed writes are said, not swallowed: the background records the last one where the pages show it
 * (utils/db-status.ts `local:writeError`, components/DbStatus.tsx) and clears it on its next successful
 * write. What failed to be written stays in the outbox and is retried (reliability test 16).
 */
import { describeError, writeErrorItem } from '@/utils/db-status';

/** Records a failed write (e.g. a QuotaExceededError) for the pages to show. Never throws. */
export async function recordWriteError(e: unknown, now = Date.now()): Promise<void> {
  await writeErrorItem.setValue({ ...describeError(e), at: now }).catch(() => {});
}

/** Clears the recorded error after a successful write (only if there is one: no storage event otherwise). */
export async function clearWriteError(): Promise<void> {
  if ((await writeErrorItem.getValue().catch(() => null)) !== null) await writeErrorItem.removeValue().catch(() => {});
}

/** Runs a write; a failure is recorded and rethrown, a success clears an earlier failure. */
export async function withWriteErrors<T>(write: () => Promise<T>): Promise<T> {
  let result: T;
  try {
    result = await write();
  } catch (e) {
    await recordWriteError(e);
    throw e;
  }
  await clearWriteError();
  return result;
}
