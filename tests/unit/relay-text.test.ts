// The relay's privacy path: its structural check accepts exactly what the Zod contract accepts, it follows
// the site's settings (titles, private windows, text), tells the hook whether to send text, and forwards a
// turn's text only where the person turned it on (issue 5; reliability tests 24 and 27).
import { describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import {
  checkPageMessage,
  createRelay,
  DEFAULT_RELAY_PRIVACY,
  followSitePrivacy,
  readSitePrivacy,
  SETTINGS_STORAGE_KEY,
  type RelayPrivacy,
} from '@/utils/relay-core';
import { PageMessage, TEXT_MAX, type ContentMessage, type HookConfig, type SiteFact } from '@/utils/messages';
import { settingsItem } from '@/utils/settings';
import { TEXT_CAP } from '@/utils/parsers/common';
import { fact, SITE } from './helpers';

const TEXT_ON: RelayPrivacy = { storeText: true, keepTitles: true, record: true };

function setup(privacy?: RelayPrivacy | null) {
  const added: SiteFact[] = [];
  const health: ContentMessage[] = [];
  const texts: ContentMessage[] = [];
  const configs: HookConfig[] = [];
  const timers: Array<() => void> = [];
  const relay = createRelay({
    site: SITE,
    outbox: { add: async (f) => void added.push(f) },
    sendHealth: async (m) => void health.push(m),
    sendText: async (m) => void texts.push(m),
    configureHook: (c) => void configs.push(c),
    setTimer: (fn) => void timers.push(fn),
    page: () => ({ conv: 'abc123', title: 'Trip plan' }),
    now: () => 0,
    privacy,
  });
  return { relay, added, health, texts, configs, flushHealth: () => timers.splice(0).forEach((f) => f()) };
}

const textMsg = (over: Record<string, unknown> = {}) => ({
  type: 'text',
  key: 'openai-chat:chatcmpl-1',
  prompt: 'What is 2+2?',
  reply: 'Four.',
  ...over,
});

describe('checkPageMessage', () => {
  const valid: unknown[] = [
    { type: 'usage', fact: fact() },
    {
      type: 'usage',
      fact: fact({
        model: undefined,
        durationMs: undefined,
        firstByteMs: 0,
        background: true,
        runId: 'run-1',
        runStatus: 'running',
        runName: 'Triage',
        toolCalls: { search: 2, read_file: 1 },
        snapshot: true,
        source: 'tokenized',
        status: 'aborted',
        transport: 'websocket',
        format: 'usage-json',
      }),
    },
    {
      type: 'usage',
      fact: fact({
        format: 'claude-web',
        source: 'estimated',
        quota: [
          { kind: '5h', utilization: 0.42, resetsAt: 1_773_497_400_000 },
          { kind: 'k'.repeat(40), utilization: 0 },
          { kind: '7d', utilization: 1, resetsAt: 4_000_000_000_000 },
        ],
      }),
    },
    { type: 'usage', fact: fact({ quota: [] }) },
    { type: 'unrecognised', apiOrigin: SITE, contentType: '' },
    { type: 'unrecognised', apiOrigin: 'https://api.example.com', contentType: 'application/json' },
    textMsg(),
    textMsg({ prompt: undefined }),
    { type: 'text', key: 'k' },
    textMsg({ reply: 'x'.repeat(TEXT_MAX) }),
  ];
  // Each mutation breaks or bends one thing; the two checks must agree on every one.
  const mutations: Array<(m: Record<string, unknown>) => unknown> = [
    (m) => ({ ...m, extra: 1 }),
    (m) => ({ ...m, type: 'config' }),
    (m) => ({ ...m, type: undefined }),
    (m) => ({ ...m, key: '' }),
    (m) => ({ ...m, key: 'k'.repeat(241) }),
    (m) => ({ ...m, prompt: 'p'.repeat(TEXT_MAX + 1) }),
    (m) => ({ ...m, reply: 42 }),
    (m) => ({ ...m, reply: null }),
    (m) => ({ ...m, apiOrigin: 'http://a.example/x' }),
    (m) => ({ ...m, contentType: 'c'.repeat(121) }),
    (m) => ({ ...m, fact: undefined }),
    (m) => [m],
    (m) => JSON.parse(JSON.stringify({ ...m, __proto__: { x: 1 } })) as unknown,
    ...(
      [
        ['key', ''],
        ['key', 'x'.repeat(241)],
        ['format', 'openai'],
        ['transport', 'beacon'],
        ['model', ''],
        ['model', 'm'.repeat(121)],
        ['inputTokens', -1],
        ['inputTokens', 1.5],
        ['inputTokens', 50_000_001],
        ['inputTokens', Number.NaN],
        ['outputTokens', '3'],
        ['source', 'guess'],
        ['status', 'done'],
        ['startedAt', 1],
        ['startedAt', Infinity],
        ['durationMs', -1],
        ['durationMs', 86_400_001],
        ['firstByteMs', null],
        ['apiOrigin', 'javascript:alert(1)'],
        ['apiOrigin', `https://${'a'.repeat(300)}`],
        ['background', 'yes'],
        ['runId', ''],
        ['runStatus', 'paused'],
        ['runName', 'n'.repeat(201)],
        ['toolCalls', { '': 1 }],
        ['toolCalls', { a: 0 }],
        ['toolCalls', { a: 1.5 }],
        ['toolCalls', { ['t'.repeat(81)]: 1 }],
        ['toolCalls', Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`t${i}`, 1]))],
        ['toolCalls', []],
        ['snapshot', 1],
        ['quota', { kind: '5h', utilization: 0.5 }],
        ['quota', [{ kind: '', utilization: 0.5 }]],
        ['quota', [{ kind: 'k'.repeat(41), utilization: 0.5 }]],
        ['quota', [{ kind: '5h', utilization: 1.01 }]],
        ['quota', [{ kind: '5h', utilization: -0.01 }]],
        ['quota', [{ kind: '5h', utilization: Number.NaN }]],
        ['quota', [{ kind: '5h', utilization: '0.5' }]],
        ['quota', [{ kind: '5h', utilization: 0.5, resetsAt: 1_773_497_400 }]],
        ['quota', [{ kind: '5h', utilization: 0.5, resetsAt: 4_000_000_000_001 }]],
        ['quota', [{ kind: '5h', utilization: 0.5, resetsAt: null }]],
        ['quota', [{ kind: '5h', utilization: 0.5, extra: 1 }]],
        ['quota', [{ kind: '5h' }]],
        ['quota', [null]],
        ['quota', Object.assign(new Array<unknown>(2), { 1: { kind: '7d', utilization: 0.5 } })], // a hole
        ['quota', Array.from({ length: 9 }, () => ({ kind: '5h', utilization: 0.5 }))],
        ['quota', Array.from({ length: 8 }, () => ({ kind: '5h', utilization: 0.5 }))],
        ['quota', null],
        ['text', 'secret prompt'],
      ] as const
    ).map(
      ([field, value]) =>
        (m: Record<string, unknown>) =>
          m.type === 'usage' ? { ...m, fact: { ...(m.fact as object), [field]: value } } : { ...m, [field]: value },
    ),
  ];

  it('accepts exactly what PageMessage.safeParse accepts', () => {
    let checked = 0;
    for (const m of valid) {
      expect(PageMessage.safeParse(m).success).toBe(true);
      expect(checkPageMessage(m)).toBe(m);
      for (const mutate of mutations) {
        const bent = mutate(m as Record<string, unknown>);
        const zod = PageMessage.safeParse(bent).success;
        expect(checkPageMessage(bent) !== undefined, JSON.stringify(bent)?.slice(0, 300)).toBe(zod);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(300);
  });

  it('never throws on hostile input', () => {
    const trap = new Proxy(
      {},
      {
        get: () => {
          throw new Error('trap');
        },
        ownKeys: () => {
          throw new Error('trap');
        },
      },
    );
    for (const v of [null, undefined, 0, 'usage', [], trap, { type: 'usage', fact: trap }])
      expect(checkPageMessage(v)).toBeUndefined();
  });

  it('bounds text as the parsers do (TEXT_MAX is the hook’s TEXT_CAP)', () => {
    expect(TEXT_MAX).toBe(TEXT_CAP);
  });
});

describe('readSitePrivacy', () => {
  it.each([
    ['nothing stored', undefined, false, DEFAULT_RELAY_PRIVACY],
    ['garbage', 'nope', false, DEFAULT_RELAY_PRIVACY],
    [
      'another site only',
      { sites: { 'https://x.example': { storeText: true, keepTitles: false } } },
      false,
      DEFAULT_RELAY_PRIVACY,
    ],
    ['text on', { sites: { [SITE]: { storeText: true, keepTitles: true } } }, false, TEXT_ON],
    [
      'titles off',
      { sites: { [SITE]: { storeText: false, keepTitles: false } } },
      false,
      { ...DEFAULT_RELAY_PRIVACY, keepTitles: false },
    ],
    ['text "true" as a string', { sites: { [SITE]: { storeText: 'true' } } }, false, DEFAULT_RELAY_PRIVACY],
    ['private window, default', {}, true, { ...DEFAULT_RELAY_PRIVACY, record: false }],
    ['private window allowed', { trackIncognito: true }, true, DEFAULT_RELAY_PRIVACY],
    ['a __proto__ site entry', JSON.parse('{"sites":{"__proto__":{"storeText":true}}}'), false, DEFAULT_RELAY_PRIVACY],
  ])('%s', (_n, raw, incognito, expected) => {
    expect(readSitePrivacy(raw, SITE, incognito)).toEqual(expected);
  });

  it('reads the key settingsItem writes', () => {
    expect(settingsItem.key).toBe(`local:${SETTINGS_STORAGE_KEY}`);
  });
});

describe('followSitePrivacy', () => {
  it('reads the stored settings once, then follows every change', async () => {
    await fakeBrowser.storage.local.set({ settings: { sites: { [SITE]: { storeText: true, keepTitles: true } } } });
    const seen: RelayPrivacy[] = [];
    followSitePrivacy(SITE, false, (p) => seen.push(p));
    await new Promise((r) => setTimeout(r, 0));
    expect(seen).toEqual([TEXT_ON]);
    await settingsItem.setValue({ sites: { [SITE]: { storeText: false, keepTitles: false } } });
    await new Promise((r) => setTimeout(r, 0));
    expect(seen.at(-1)).toEqual({ storeText: false, keepTitles: false, record: true });
  });
});

describe('createRelay: privacy', () => {
  it('forwards a turn’s text, tagged with its own site, only where text storage is on', () => {
    const on = setup(TEXT_ON);
    expect(on.relay.receive(textMsg())).toBe('sent');
    expect(on.texts).toEqual([
      { type: 'text', site: SITE, key: 'openai-chat:chatcmpl-1', prompt: 'What is 2+2?', reply: 'Four.' },
    ]);
    expect(on.added).toEqual([]); // never through the outbox

    const off = setup();
    expect(off.relay.receive(textMsg())).toBe('dropped');
    expect(off.texts).toEqual([]);
  });

  it('tells the hook whether to send text, and changes its mind with the setting', () => {
    const { relay, configs, texts } = setup(null);
    expect(configs).toEqual([]);
    expect(relay.receive(textMsg())).toBe('dropped'); // before settings load: off
    relay.setPrivacy(TEXT_ON);
    relay.setPrivacy(DEFAULT_RELAY_PRIVACY);
    expect(configs).toEqual([
      { type: 'config', text: true },
      { type: 'config', text: false },
    ]);
    expect(relay.receive(textMsg())).toBe('dropped');
    expect(texts).toEqual([]);
  });

  it('never turns text on in a private window that is not recorded', () => {
    const { relay, configs, texts } = setup({ storeText: true, keepTitles: true, record: false });
    expect(configs).toEqual([{ type: 'config', text: false }]);
    expect(relay.receive(textMsg())).toBe('dropped');
    expect(texts).toEqual([]);
  });

  it.each([
    ['an oversized prompt', textMsg({ prompt: 'p'.repeat(TEXT_MAX + 1) })],
    ['an oversized reply', textMsg({ reply: 'r'.repeat(TEXT_MAX + 1) })],
    ['a site claimed by the page', textMsg({ site: 'https://evil.example' })],
    ['no key', textMsg({ key: undefined })],
    ['a non-string reply', textMsg({ reply: { html: '<b>' } })],
    ['text smuggled into a fact', { type: 'usage', fact: { ...fact(), prompt: 'secret' } }],
  ])('rejects %s and counts it in health (reliability test 24)', (_n, msg) => {
    const { relay, texts, added, health, flushHealth } = setup(TEXT_ON);
    expect(relay.receive(msg)).toBe('rejected');
    expect(texts).toEqual([]);
    expect(added).toEqual([]);
    flushHealth();
    expect(health).toEqual([{ type: 'health', site: SITE, unrecognised: 0, rejected: 1, lastContentType: undefined }]);
  });

  it('drops the title where titles are off', () => {
    const on = setup(DEFAULT_RELAY_PRIVACY);
    on.relay.receive({ type: 'usage', fact: fact() });
    expect(on.added[0]).toEqual({ site: SITE, fact: fact(), conv: 'abc123', title: 'Trip plan' });
    const off = setup({ ...DEFAULT_RELAY_PRIVACY, keepTitles: false });
    off.relay.receive({ type: 'usage', fact: fact() });
    expect(off.added[0]).toEqual({ site: SITE, fact: fact(), conv: 'abc123' });
  });

  it('drops everything from a private window where private windows are not tracked', () => {
    const { relay, added, flushHealth, health } = setup({ ...DEFAULT_RELAY_PRIVACY, record: false });
    expect(relay.receive({ type: 'usage', fact: fact() })).toBe('dropped');
    expect(relay.receive({ type: 'unrecognised', apiOrigin: SITE, contentType: 'text/plain' })).toBe('dropped');
    flushHealth();
    expect(added).toEqual([]);
    expect(health).toEqual([]);
  });

  it('holds facts until the settings load, then applies them', () => {
    const { relay, added } = setup(null);
    expect(relay.receive({ type: 'usage', fact: fact() })).toBe('queued');
    expect(added).toEqual([]);
    relay.setPrivacy({ ...DEFAULT_RELAY_PRIVACY, keepTitles: false });
    expect(added).toEqual([{ site: SITE, fact: fact(), conv: 'abc123' }]);
    expect(relay.receive({ type: 'usage', fact: fact({ key: 'k2' }) })).toBe('stored');
    expect(added).toHaveLength(2);
  });

  it('holds at most 100 facts while the settings load', () => {
    const { relay, added } = setup(null);
    const r = Array.from({ length: 100 }, (_, i) => relay.receive({ type: 'usage', fact: fact({ key: `k${i}` }) }));
    expect(r.filter((x) => x === 'queued')).toHaveLength(100);
    relay.setPrivacy(DEFAULT_RELAY_PRIVACY);
    expect(added).toHaveLength(100);
  });

  it('drops what waited when the settings say a private window is not recorded', () => {
    const { relay, added } = setup(null);
    relay.receive({ type: 'usage', fact: fact() });
    relay.setPrivacy({ ...DEFAULT_RELAY_PRIVACY, record: false });
    expect(added).toEqual([]);
  });
});
