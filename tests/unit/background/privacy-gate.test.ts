import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { handleMessage } from '@/entrypoints/background/router';
import { applyPrivacy, resetSettingsCache } from '@/entrypoints/background/privacy-gate';
import { refreshBadge } from '@/entrypoints/background/badge';
import { getDb } from '@/utils/db';
import { DEFAULT_SETTINGS, pauseFor, saveSettings, type PrivacySettings } from '@/utils/settings';
import { NOON, siteFact, SITE } from '../helpers';
import { freshBackground } from '../fakes';
import { countTurns } from '@/utils/turn-store';

const EXT_ID = fakeBrowser.runtime.id;
const fromTab = (tab: object) => ({ id: EXT_ID, tab: tab as never, url: `${SITE}/chat`, origin: SITE });
const settings = (over: Partial<PrivacySettings>): PrivacySettings => ({ ...DEFAULT_SETTINGS, ...over });

beforeEach(async () => {
  resetSettingsCache();
  await freshBackground();
});

describe('applyPrivacy', () => {
  const titled = { ...siteFact({ startedAt: NOON }), title: 'Quarterly report' };

  it('keeps facts and titles by default', () => {
    expect(applyPrivacy([titled], DEFAULT_SETTINGS)).toEqual([titled]);
  });

  it('drops facts whose call started during a pause, whenever they arrive', () => {
    const pause = { since: NOON - 1000, until: NOON + 1000 };
    expect(applyPrivacy([titled], settings({ pause }))).toEqual([]);
    const before = { ...titled, fact: { ...titled.fact, startedAt: NOON - 5000 } };
    const after = { ...titled, fact: { ...titled.fact, startedAt: NOON + 5000 } };
    expect(applyPrivacy([before, after], settings({ pause }))).toEqual([before, after]);
    expect(applyPrivacy([after], settings({ pause: { since: NOON, until: null } }))).toEqual([]);
  });

  it('drops the title, not the fact, where titles are off for the site', () => {
    const s = settings({ sites: { [SITE]: { storeText: false, keepTitles: false } } });
    const [kept] = applyPrivacy([titled], s);
    expect(kept).toEqual(siteFact({ startedAt: NOON }));
    expect(kept).not.toHaveProperty('title');
  });
});

describe('the router with the privacy settings', () => {
  it('stores nothing from a private window unless the person allowed it', async () => {
    const deliver = { type: 'deliver', facts: [siteFact()] };
    expect(await handleMessage(deliver, fromTab({ id: 3, incognito: true }))).toEqual({ ok: true, stored: 0 });
    expect(await countTurns(getDb())).toBe(0);

    await saveSettings(settings({ trackIncognito: true }));
    resetSettingsCache();
    expect(await handleMessage(deliver, fromTab({ id: 3, incognito: true }))).toEqual({ ok: true, stored: 1 });
  });

  it('stores no page title where titles are off', async () => {
    await saveSettings(settings({ sites: { [SITE]: { storeText: false, keepTitles: false } } }));
    resetSettingsCache();
    const fact = { ...siteFact(), conv: 'abc', title: 'Secret project' };
    await handleMessage({ type: 'deliver', facts: [fact] }, fromTab({ id: 3 }));
    const stored = JSON.stringify(await Promise.all(getDb().tables.map((t) => t.toArray())));
    expect(stored).not.toContain('Secret project');
    expect(await countTurns(getDb())).toBe(1);
  });
});

describe('the badge while paused', () => {
  it('says "off" and until when, instead of a count', async () => {
    await handleMessage({ type: 'deliver', facts: [siteFact({ startedAt: Date.now() - 60_000 })] }, fromTab({ id: 3 }));
    const setText = vi.spyOn(fakeBrowser.action, 'setBadgeText').mockResolvedValue();
    const setTitle = vi.spyOn(fakeBrowser.action, 'setTitle').mockResolvedValue();
    vi.spyOn(fakeBrowser.action, 'setBadgeBackgroundColor').mockResolvedValue();
    await refreshBadge();
    expect(setText).toHaveBeenLastCalledWith({ text: '42' });

    await saveSettings(settings({ pause: pauseFor('resumed') }));
    resetSettingsCache();
    await refreshBadge();
    expect(setText).toHaveBeenLastCalledWith({ text: 'off' });
    expect(setTitle).toHaveBeenLastCalledWith({ title: 'Tokenwise — tracking paused until you resume it' });
  });
});
