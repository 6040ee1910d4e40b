import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { handleMessage } from '@/entrypoints/background/router';
import { getDb } from '@/utils/db';
import { siteFact, SITE } from '../helpers';
import { freshBackground } from '../fakes';
import { countTurns } from '@/utils/turn-store';

const EXT_ID = fakeBrowser.runtime.id;
const extUrl = (path: string) => fakeBrowser.runtime.getURL(path as '/popup.html');
const tab = { id: 7 } as never;
const fromPage = (url = `${SITE}/chat`) => ({ id: EXT_ID, tab, url, origin: new URL(url).origin });

beforeEach(() => freshBackground());

describe('handleMessage: content scripts', () => {
  it('stores facts for the page the content script runs in, and acks only after the commit', async () => {
    const reply = await handleMessage({ type: 'deliver', facts: [siteFact()] }, fromPage());
    expect(reply).toEqual({ ok: true, stored: 1 });
    expect(await countTurns(getDb())).toBe(1);
  });

  it('rejects facts claiming another site, storing nothing', async () => {
    const forged = siteFact({}, 'http://127.0.0.1:9999');
    const reply = await handleMessage({ type: 'deliver', facts: [forged] }, fromPage());
    expect(reply).toMatchObject({ ok: false, final: true });
    expect(await countTurns(getDb())).toBe(0);
    expect(await getDb().health.get(SITE)).toMatchObject({ rejected: 1 });
  });

  it('rejects deliveries from sites Tokenwise does not track', async () => {
    const other = 'https://news.example';
    const reply = await handleMessage({ type: 'deliver', facts: [siteFact({}, other)] }, fromPage(`${other}/`));
    expect(reply).toMatchObject({ ok: false, error: 'site not tracked' });
    expect(await countTurns(getDb())).toBe(0);
  });

  it('rejects a privileged request sent from a content script (reliability test 25)', async () => {
    const reply = await handleMessage({ type: 'drain-outbox' }, fromPage());
    expect(reply).toMatchObject({ ok: false, final: true });
  });

  it.each([
    ['malformed', { type: 'deliver', facts: 'lots' }],
    ['empty batch', { type: 'deliver', facts: [] }],
    ['oversized batch', { type: 'deliver', facts: Array.from({ length: 101 }, (_, i) => siteFact({ key: `k${i}` })) }],
  ])('rejects a %s delivery and counts it in health', async (_n, msg) => {
    const reply = await handleMessage(msg, fromPage());
    expect(reply).toMatchObject({ ok: false, final: true });
    expect(await countTurns(getDb())).toBe(0);
    expect(await getDb().health.get(SITE)).toMatchObject({ rejected: 1 });
  });
});

describe('handleMessage: other senders', () => {
  it('accepts privileged requests from extension pages', async () => {
    expect(await handleMessage({ type: 'drain-outbox' }, { id: EXT_ID, url: extUrl('/popup.html') })).toEqual({
      ok: true,
      stored: 0,
    });
  });

  it.each([
    ['another extension', { id: 'someone-else', tab, url: `${SITE}/` }],
    ['no sender id', { url: extUrl('/popup.html') }],
  ])('rejects %s', async (_n, sender) => {
    expect(await handleMessage({ type: 'deliver', facts: [siteFact()] }, sender)).toMatchObject({ ok: false });
    expect(await countTurns(getDb())).toBe(0);
  });
});
