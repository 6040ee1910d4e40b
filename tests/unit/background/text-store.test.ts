// Opt-in text storage (issue 5) and reliability test 27: with text on, seeded secrets never reach the
// database and the redactions are counted; with text off (the default), no prompt or reply text is stored
// anywhere. The whole chain runs here: the hook's fetch wrapper → the relay → the background's router.
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { handleMessage } from '@/entrypoints/background/router';
import { resetSettingsCache } from '@/entrypoints/background/privacy-gate';
import { setupTextStore, storeTurnText, sweepTexts } from '@/entrypoints/background/text-store';
import { siteRedactionTotals } from '@/utils/text-summary';
import { getDb } from '@/utils/db';
import { wrapFetch } from '@/utils/capture/fetch';
import { applyHookConfig } from '@/utils/capture/report';
import { createRelay, readSitePrivacy } from '@/utils/relay-core';
import type { ContentMessage, PageMessage } from '@/utils/messages';
import { DEFAULT_SETTINGS, parseSettings, settingsItem, type PrivacySettings } from '@/utils/settings';
import { SITE } from '../helpers';
import { allTurns, countTurns } from '@/utils/turn-store';

const EXT_ID = fakeBrowser.runtime.id;
const tab = { id: 7 } as never;
const fromPage = (url = `${SITE}/chat`) => ({ id: EXT_ID, tab, url, origin: new URL(url).origin });
const sse = readFileSync(new URL('../../fixtures/wire/openai-chat/stream-basic.sse', import.meta.url), 'utf8');

const OPENAI_KEY = 'sk-proj-Ab3dEf6hIj9lMn2pQr5tUv8xYz1_bC4eF7hJ0kM';
const AWS_KEY = 'AKIAIOSFODNN7EXAMPLE';
const EMAIL = 'jane.doe@example.com';
const CARD = '4111 1111 1111 1111';
const PROMPT = `Deploy with ${OPENAI_KEY} and ${AWS_KEY}; mail ${EMAIL} the receipt for card ${CARD}.`;
const SECRETS = [OPENAI_KEY, AWS_KEY, EMAIL, CARD, 'hunter2'];

const withText = (on: boolean, site = SITE): PrivacySettings => ({
  ...structuredClone(DEFAULT_SETTINGS),
  sites: { [site]: { storeText: on, keepTitles: true } },
});

async function saveSettings(s: PrivacySettings): Promise<void> {
  await settingsItem.setValue(s);
  resetSettingsCache();
}

/** Every row of every table, and everything in storage.local, as one string. */
async function everythingStored(): Promise<string> {
  const db = getDb();
  const tables = await Promise.all(db.tables.map(async (t) => [t.name, await t.toArray()] as const));
  const local = await fakeBrowser.storage.local.get(null);
  return JSON.stringify({ tables, local });
}

const textMsg = (over: Partial<Extract<ContentMessage, { type: 'text' }>> = {}) =>
  ({ type: 'text', site: SITE, key: 'openai-chat:chatcmpl-1', prompt: PROMPT, reply: 'ok', ...over }) as const;

/**
 * One chat through the real pieces: the relay reads the stored settings and configures the hook; the hook's
 * fetch wrapper reads the reply and posts to the relay; the relay delivers to the router (facts directly,
 * as the outbox would, and text as it does itself).
 */
async function chatThroughTheChain(reply: string): Promise<void> {
  const toRouter: Promise<unknown>[] = [];
  const relay = createRelay({
    site: SITE,
    outbox: {
      add: async (f) => void toRouter.push(handleMessage({ type: 'deliver', facts: [f] }, fromPage())),
    },
    sendText: async (m) => void toRouter.push(handleMessage(m, fromPage())),
    sendHealth: async () => {},
    configureHook: applyHookConfig,
    setTimer: () => {},
    page: () => ({ conv: 'c1', title: 'Chat' }),
    privacy: readSitePrivacy(await settingsItem.getValue(), SITE, false),
  });
  const stream = sse.replace(/"content":"[^"]*"/, `"content":${JSON.stringify(reply)}`);
  const win = {
    fetch: (async () => new Response(stream, { headers: { 'content-type': 'text/event-stream' } })) as typeof fetch,
  };
  wrapFetch(win as unknown as typeof globalThis, (m: PageMessage) => void relay.receive(m));
  const body = JSON.stringify({ messages: [{ role: 'user', content: PROMPT }] });
  await (await win.fetch('/v1/chat/completions', { method: 'POST', body })).text();
  for (let i = 0; i < 20; i++) await new Promise((r) => setTimeout(r, 0));
  await Promise.all(toRouter);
}

beforeEach(async () => {
  const db = getDb();
  await Promise.all(db.tables.map((t) => t.clear()));
  resetSettingsCache();
  vi.stubGlobal('location', new URL(`${SITE}/chat`));
  vi.spyOn(fakeBrowser.runtime, 'getManifest').mockReturnValue({
    manifest_version: 3,
    name: 'Tokenwise',
    version: '0.1.0',
    content_scripts: [{ matches: ['http://127.0.0.1/*'], js: ['relay.js'] }],
  });
});
afterEach(() => {
  applyHookConfig(null);
  vi.unstubAllGlobals();
});

describe('reliability test 27: redaction', () => {
  const REPLY = `Done. I used postgres://admin:hunter2@db.internal/app and wrote to ${EMAIL}.`;

  it('with text on, stores the turn’s text with every seeded secret redacted, and counts them', async () => {
    await saveSettings(withText(true));
    await chatThroughTheChain(REPLY);
    const db = getDb();
    const turns = await allTurns(db);
    expect(turns).toHaveLength(1);
    const texts = await db.texts.toArray();
    expect(texts).toHaveLength(1);
    const [t] = texts;
    expect(t!.id).toBe(turns[0]!.id); // the same turn id, `<site>|<key>`
    expect(t!.prompt).toBe(
      'Deploy with [redacted api-key] and [redacted api-key]; mail [redacted email] the receipt for card [redacted card-number].',
    );
    // The fixture streams the reply in pieces; the first piece carries the seeded secrets.
    expect(t!.reply).toMatch(
      /^Done\. I used postgres:\/\/admin:\[redacted url-password\]@db\.internal\/app and wrote to \[redacted email\]/,
    );
    expect(t!.redactions).toEqual({ 'api-key': 2, email: 2, 'card-number': 1, 'url-password': 1 });
    const all = await everythingStored();
    for (const secret of SECRETS) expect(all).not.toContain(secret);
    expect(await siteRedactionTotals(db, SITE)).toEqual({
      'api-key': 2,
      email: 2,
      'card-number': 1,
      'url-password': 1,
    });
  });

  it('with text off (the default), stores the counts and no prompt or reply text anywhere', async () => {
    await chatThroughTheChain(REPLY);
    const db = getDb();
    expect(await countTurns(db)).toBe(1); // the turn itself is recorded
    expect(await db.texts.count()).toBe(0);
    const all = await everythingStored();
    expect(all).not.toContain('Done. I used');
    expect(all).not.toContain('Deploy with');
    for (const secret of SECRETS) expect(all).not.toContain(secret);
  });
});

describe('handleMessage: text', () => {
  it('re-checks the setting: text from a site with text off is acknowledged and not stored', async () => {
    await saveSettings(withText(false));
    expect(await handleMessage(textMsg(), fromPage())).toEqual({ ok: true, stored: 0 });
    expect(await getDb().texts.count()).toBe(0);
  });

  it('stores text for a site with text on', async () => {
    await saveSettings(withText(true));
    expect(await handleMessage(textMsg(), fromPage())).toEqual({ ok: true, stored: 1 });
    expect(await getDb().texts.get(`${SITE}|openai-chat:chatcmpl-1`)).toMatchObject({ site: SITE, reply: 'ok' });
  });

  it('rejects text claiming another site and counts it', async () => {
    await saveSettings(withText(true, 'http://127.0.0.1:9999'));
    const reply = await handleMessage(textMsg({ site: 'http://127.0.0.1:9999' }), fromPage());
    expect(reply).toMatchObject({ ok: false, final: true });
    expect(await getDb().texts.count()).toBe(0);
    expect(await getDb().health.get(SITE)).toMatchObject({ rejected: 1 });
  });

  it.each([
    ['oversized prompt', textMsg({ prompt: 'p'.repeat(65_537) })],
    ['oversized reply', textMsg({ reply: 'r'.repeat(65_537) })],
    ['extra field', { ...textMsg(), html: '<b>' }],
    ['no key', { ...textMsg(), key: '' }],
  ])('rejects a %s and counts it in health', async (_n, msg) => {
    await saveSettings(withText(true));
    expect(await handleMessage(msg, fromPage())).toMatchObject({ ok: false, final: true });
    expect(await getDb().texts.count()).toBe(0);
    expect(await getDb().health.get(SITE)).toMatchObject({ rejected: 1 });
  });

  it('stores nothing from a private window when private windows are not tracked', async () => {
    await saveSettings(withText(true));
    const incognito = { ...fromPage(), tab: { id: 8, incognito: true } as never };
    expect(await handleMessage(textMsg(), incognito)).toEqual({ ok: true, stored: 0 });
    expect(await getDb().texts.count()).toBe(0);
  });
});

describe('storeTurnText', () => {
  it('stores nothing during a pause', async () => {
    const s = { ...withText(true), pause: { since: 0, until: null } };
    expect(await storeTurnText(getDb(), textMsg(), Date.now(), s)).toBe(false);
    expect(await getDb().texts.count()).toBe(0);
  });

  it('keeps the day of the turn and replaces a repeat', async () => {
    const at = new Date(2026, 10, 25, 12).getTime();
    await storeTurnText(getDb(), textMsg({ reply: 'first' }), at, withText(true));
    await storeTurnText(getDb(), textMsg({ reply: 'second' }), at, withText(true));
    expect(await getDb().texts.toArray()).toEqual([
      {
        id: `${SITE}|openai-chat:chatcmpl-1`,
        site: SITE,
        day: '2026-11-25',
        at,
        prompt: expect.any(String),
        reply: 'second',
        redactions: expect.any(Object),
      },
    ]);
  });
});

describe('turning text off deletes the site’s texts', () => {
  const OTHER = 'https://other.example';
  async function seed() {
    const s = {
      ...withText(true),
      sites: { [SITE]: { storeText: true, keepTitles: true }, [OTHER]: { storeText: true, keepTitles: true } },
    };
    await saveSettings(s);
    await storeTurnText(getDb(), textMsg(), Date.now(), s);
    await storeTurnText(getDb(), textMsg({ site: OTHER }), Date.now(), s);
  }

  it('sweepTexts deletes exactly the sites whose text is off', async () => {
    await seed();
    const s = parseSettings({ ...withText(true, OTHER) });
    expect(await sweepTexts(getDb(), s)).toBe(1);
    expect((await getDb().texts.toArray()).map((t) => t.site)).toEqual([OTHER]);
  });

  it('the watcher deletes them when the setting changes', async () => {
    await seed();
    setupTextStore(getDb);
    await new Promise((r) => setTimeout(r, 20)); // the start-up sweep: both sites still on
    expect(await getDb().texts.count()).toBe(2);
    await settingsItem.setValue({
      ...withText(true, OTHER),
      sites: { [SITE]: { storeText: false, keepTitles: true }, [OTHER]: { storeText: true, keepTitles: true } },
    });
    await vi.waitFor(async () => expect((await getDb().texts.toArray()).map((t) => t.site)).toEqual([OTHER]));
  });
});
