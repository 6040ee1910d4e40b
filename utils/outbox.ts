/**
 * The relay's outbox: every fact is written to `storage.local` before it is sent, and stays there until
 * the background acknowledges with `{ ok: true }` — which it sends only after its Dexie transaction has
 * committed. A worker stopped mid-burst, a message that resolves without reaching the worker (another
 * extension page answered), or a tab closed before the ack all leave the entry behind; the relay retries
 * it, and the background drains whatever is left on its next start or alarm. The stored row's key is
 * deterministic, so a fact delivered twice is stored once.
 */
import { browser } from '#imports';
// Types only from messages.ts: its schemas (and Zod's set-up) stay out of the content script that uses this.
import type { Ack, ContentMessage, SiteFact } from './messages';

/** Prefix of the relay's outbox entries in `storage.local`; each key is `outbox:<site>|<fact key>`. */
export const OUTBOX_PREFIX = 'outbox:';
export const outboxKey = (f: SiteFact) => `${OUTBOX_PREFIX}${f.site}|${f.fact.key}`;

const BATCH = 50;
const FIRST_RETRY_MS = 250;
const MAX_RETRY_MS = 10_000;

export interface OutboxOptions {
  /** Sends one message to the background and returns its reply (the real one wraps runtime.sendMessage). */
  send?: (msg: ContentMessage) => Promise<unknown>;
  setTimer?: (fn: () => void, ms: number) => unknown;
}

const isOk = (reply: unknown): reply is Ack & { ok: true } =>
  typeof reply === 'object' && reply !== null && (reply as { ok?: unknown }).ok === true;
const isFinalRejection = (reply: unknown) =>
  typeof reply === 'object' && reply !== null && (reply as { final?: unknown }).final === true;

export function createOutbox(options: OutboxOptions = {}) {
  const send = options.send ?? ((msg: ContentMessage) => browser.runtime.sendMessage(msg));
  const setTimer = options.setTimer ?? ((fn: () => void, ms: number) => setTimeout(fn, ms));
  const pending = new Map<string, SiteFact>();
  let flushing = false;
  let retryMs = FIRST_RETRY_MS;
  let retryScheduled = false;

  async function flush(): Promise<void> {
    if (flushing) return;
    flushing = true;
    retryScheduled = false;
    try {
      while (pending.size > 0) {
        const batch = [...pending.entries()].slice(0, BATCH);
        let reply: unknown;
        try {
          reply = await send({ type: 'deliver', facts: batch.map(([, f]) => f) });
        } catch {
          reply = undefined; // worker unreachable or extension reloaded: retry later
        }
        if (isOk(reply) || isFinalRejection(reply)) {
          // A snapshot record (a polled agent job) may have been replaced by a newer one under the same key
          // while this batch was in flight: only what was actually delivered leaves the outbox.
          const delivered = batch.filter(([key, fact]) => pending.get(key) === fact).map(([key]) => key);
          for (const key of delivered) pending.delete(key);
          await browser.storage.local.remove(delivered).catch(() => {});
          retryMs = FIRST_RETRY_MS;
          continue;
        }
        schedule();
        return;
      }
    } finally {
      flushing = false;
    }
  }

  function schedule() {
    if (retryScheduled) return;
    retryScheduled = true;
    const wait = retryMs;
    retryMs = Math.min(retryMs * 2, MAX_RETRY_MS);
    setTimer(() => void flush(), wait);
  }

  return {
    /** Persists the fact, then tries to deliver it. Resolves once it is safely in the outbox. */
    async add(fact: SiteFact): Promise<void> {
      const key = outboxKey(fact);
      await browser.storage.local.set({ [key]: fact });
      pending.set(key, fact);
      void flush();
    },
    flush,
    get size() {
      return pending.size;
    },
  };
}

export type Outbox = ReturnType<typeof createOutbox>;

/** Reads every outbox entry left in storage (by any tab, live or closed). */
export async function readOutbox(): Promise<Array<[string, unknown]>> {
  const all = await browser.storage.local.get(null);
  return Object.entries(all).filter(([k]) => k.startsWith(OUTBOX_PREFIX));
}
