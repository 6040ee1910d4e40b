import { describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { createOutbox, readOutbox } from '@/utils/outbox';
import type { ContentMessage } from '@/utils/messages';
import { siteFact } from './helpers';

/** Collects timers so tests fire retries by hand instead of waiting. */
function manualTimers() {
  const queue: Array<() => void> = [];
  return {
    setTimer: (fn: () => void) => void queue.push(fn),
    async fire() {
      const fns = queue.splice(0);
      for (const fn of fns) fn();
      await new Promise((r) => setTimeout(r, 0));
    },
    get pending() {
      return queue.length;
    },
  };
}
const settle = () => new Promise((r) => setTimeout(r, 0));

describe('createOutbox', () => {
  it('persists a fact before sending it, and removes it after an ok ack', async () => {
    const seen: string[] = [];
    const send = vi.fn(async (msg: ContentMessage) => {
      seen.push(`stored=${(await readOutbox()).length}`);
      return msg.type === 'deliver' ? { ok: true, stored: msg.facts.length } : { ok: true };
    });
    const box = createOutbox({ send });
    await box.add(siteFact());
    await settle();
    expect(seen).toEqual(['stored=1']);
    expect(await readOutbox()).toEqual([]);
    expect(box.size).toBe(0);
  });

  it.each([
    ['a rejected promise (worker unreachable)', () => Promise.reject(new Error('Could not establish connection'))],
    ['a silent undefined reply (another page answered)', () => Promise.resolve(undefined)],
    ['a not-ok reply', () => Promise.resolve({ ok: false, error: 'busy' })],
  ])('keeps the fact and retries after %s', async (_name, failure) => {
    const timers = manualTimers();
    let calls = 0;
    const send = vi.fn(() => (++calls === 1 ? failure() : Promise.resolve({ ok: true })));
    const box = createOutbox({ send, setTimer: timers.setTimer });
    await box.add(siteFact());
    await settle();
    expect((await readOutbox()).length).toBe(1);
    expect(timers.pending).toBe(1);
    await timers.fire();
    await settle();
    expect(send).toHaveBeenCalledTimes(2);
    expect(await readOutbox()).toEqual([]);
  });

  it('drops a fact the background rejects as final (invalid), without retrying', async () => {
    const timers = manualTimers();
    const send = vi.fn(async () => ({ ok: false, error: 'site mismatch', final: true }));
    const box = createOutbox({ send, setTimer: timers.setTimer });
    await box.add(siteFact());
    await settle();
    expect(timers.pending).toBe(0);
    expect(await readOutbox()).toEqual([]);
  });

  it('sends a burst in batches of at most 50', async () => {
    const sizes: number[] = [];
    const send = vi.fn(async (msg: ContentMessage) => {
      if (msg.type === 'deliver') sizes.push(msg.facts.length);
      return { ok: true };
    });
    const box = createOutbox({ send });
    await Promise.all(Array.from({ length: 120 }, (_, i) => box.add(siteFact({ key: `openai-chat:${i}` }))));
    for (let i = 0; i < 10; i++) await settle();
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(120);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(50);
    expect(await readOutbox()).toEqual([]);
  });

  it('leaves entries behind for the background when the tab goes away unacknowledged', async () => {
    const box = createOutbox({ send: () => new Promise(() => {}) }); // never answers
    await box.add(siteFact({ key: 'openai-chat:a' }));
    await box.add(siteFact({ key: 'openai-chat:b' }));
    const keys = (await readOutbox()).map(([k]) => k).sort();
    expect(keys).toEqual(['outbox:http://127.0.0.1:5566|openai-chat:a', 'outbox:http://127.0.0.1:5566|openai-chat:b']);
    expect(fakeBrowser.storage.local).toBeDefined();
  });
});

describe('snapshots under one key', () => {
  it('keeps a newer snapshot that arrived while the older one was being delivered', async () => {
    let release: (v: unknown) => void = () => {};
    const delivered: number[] = [];
    const send = vi.fn((msg: ContentMessage) => {
      if (msg.type === 'deliver') delivered.push(...msg.facts.map((f) => f.fact.outputTokens));
      return delivered.length === 1 ? new Promise((r) => (release = r)) : Promise.resolve({ ok: true });
    });
    const box = createOutbox({ send });
    const job = (out: number) => siteFact({ key: 'usage-json:job_1', snapshot: true, outputTokens: out });
    await box.add(job(10));
    await box.add(job(90)); // the job advanced while the first delivery was in flight
    release({ ok: true });
    for (let i = 0; i < 10; i++) await settle();
    expect(delivered).toEqual([10, 90]);
    expect(await readOutbox()).toEqual([]);
  });
});
