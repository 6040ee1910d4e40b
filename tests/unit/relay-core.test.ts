import { describe, expect, it } from 'vitest';
import { createRelay } from '@/utils/relay-core';
import type { SiteFact } from '@/utils/messages';
import { fact, SITE } from './helpers';

function setup(now = () => 0) {
  const added: SiteFact[] = [];
  const health: unknown[] = [];
  const timers: Array<() => void> = [];
  const relay = createRelay({
    site: SITE,
    outbox: { add: async (f) => void added.push(f) },
    sendHealth: async (m) => void health.push(m),
    now,
    setTimer: (fn) => void timers.push(fn),
  });
  return { relay, added, health, flushHealth: () => timers.splice(0).forEach((f) => f()) };
}

describe('createRelay', () => {
  it('tags a valid fact with the page origin it runs in', () => {
    const { relay, added } = setup();
    expect(relay.receive({ type: 'usage', fact: fact() })).toBe('stored');
    expect(added).toEqual([{ site: SITE, fact: fact() }]);
  });

  it.each([
    ['not an object', 'hello'],
    ['unknown type', { type: 'admin', fact: fact() }],
    ['extra field smuggled in', { type: 'usage', fact: { ...fact(), text: 'secret prompt' } }],
    ['a site claimed by the page', { type: 'usage', fact: fact(), site: 'https://evil.example' }],
    ['negative tokens', { type: 'usage', fact: fact({ outputTokens: -5 }) }],
    ['absurd tokens', { type: 'usage', fact: fact({ inputTokens: 1e12 }) }],
    ['fractional tokens', { type: 'usage', fact: fact({ inputTokens: 1.5 }) }],
    ['unknown provenance', { type: 'usage', fact: { ...fact(), source: 'guessed' } }],
    ['huge key', { type: 'usage', fact: fact({ key: 'x'.repeat(10_000) }) }],
    ['api origin with a path', { type: 'usage', fact: fact({ apiOrigin: 'http://a.example/path' }) }],
    ['javascript: origin', { type: 'usage', fact: fact({ apiOrigin: 'javascript:alert(1)' }) }],
    ['__proto__ payload', JSON.parse('{"type":"usage","fact":{"__proto__":{"ok":true}}}')],
  ])('rejects %s and stores nothing (reliability test 24)', (_name, msg) => {
    const { relay, added, health, flushHealth } = setup();
    expect(relay.receive(msg)).toBe('rejected');
    expect(added).toEqual([]);
    flushHealth();
    expect(health).toEqual([{ type: 'health', site: SITE, unrecognised: 0, rejected: 1, lastContentType: undefined }]);
  });

  it('rate-limits a flood to a burst of 100, then 5 per second', () => {
    let t = 0;
    const { relay, added } = setup(() => t);
    const results = Array.from({ length: 1000 }, (_, i) =>
      relay.receive({ type: 'usage', fact: fact({ key: `k${i}` }) }),
    );
    expect(results.filter((r) => r === 'stored')).toHaveLength(100);
    t += 2000;
    const later = Array.from({ length: 50 }, (_, i) => relay.receive({ type: 'usage', fact: fact({ key: `m${i}` }) }));
    expect(later.filter((r) => r === 'stored')).toHaveLength(10);
    expect(added).toHaveLength(110);
  });

  it('counts unrecognised traffic for health, batched', () => {
    const { relay, health, flushHealth } = setup();
    relay.receive({ type: 'unrecognised', apiOrigin: SITE, contentType: 'application/json' });
    relay.receive({ type: 'unrecognised', apiOrigin: SITE, contentType: 'text/event-stream' });
    flushHealth();
    expect(health).toEqual([
      { type: 'health', site: SITE, unrecognised: 2, rejected: 0, lastContentType: 'text/event-stream' },
    ]);
  });

  it('never throws, whatever arrives', () => {
    const { relay } = setup();
    const weird = [
      null,
      undefined,
      0,
      [],
      () => 1,
      Symbol('x'),
      new Proxy(
        {},
        {
          get: () => {
            throw new Error('trap');
          },
        },
      ),
    ];
    for (const w of weird) expect(() => relay.receive(w)).not.toThrow();
    expect(weird.map((w) => relay.receive(w))).toEqual(weird.map(() => 'rejected'));
  });
});
