// @vitest-environment happy-dom
// The options page's privacy settings as a person uses them: every control changes the stored settings the
// background reads, and the confirmations stand between a click and anything irreversible.
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { PrivacySettings } from '@/entrypoints/options/PrivacySettings';
import { DEFAULT_SETTINGS, getSettings, saveSettings } from '@/utils/settings';
import { saveTrackedSites } from '@/utils/sites-store';
import { installFakePermissions } from '../fakes';
import { getDb } from '@/utils/db';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const SITE = 'https://ai.acme.example';
let root: Root;
let container: HTMLElement;

const $ = <E extends HTMLElement = HTMLElement>(sel: string) => container.querySelector<E>(sel);
const settle = () => act(async () => new Promise((r) => setTimeout(r, 20)));
async function click(sel: string) {
  const el = $(sel);
  expect(el, sel).not.toBeNull();
  await act(async () => el!.click());
  await settle();
}

beforeEach(async () => {
  installFakePermissions();
  vi.spyOn(fakeBrowser.runtime, 'getManifest').mockReturnValue({ manifest_version: 3, name: 'T', version: '1' });
  vi.spyOn(fakeBrowser.extension, 'isAllowedIncognitoAccess').mockResolvedValue(false as never);
  await saveTrackedSites([{ origin: SITE, name: 'Acme AI', kind: 'chat', paused: false, addedAt: 1 }]);
  container = document.createElement('div');
  document.body.append(container);
  root = createRoot(container);
  await act(async () => root.render(<PrivacySettings />));
  // The site list and the database are read asynchronously: wait for the site's row (not a fixed time).
  for (let i = 0; i < 100 && !$('[data-testid="privacy-site"]'); i++) await settle();
  expect($('[data-testid="privacy-site"]')).not.toBeNull();
});
afterEach(async () => {
  await act(async () => root.unmount());
  container.remove();
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
});

describe('privacy settings', () => {
  it('starts private: text off, titles on, private windows off, a year of history', async () => {
    expect($<HTMLInputElement>('[data-origin="https://ai.acme.example"] [data-testid="store-text"]')!.checked).toBe(
      false,
    );
    expect($<HTMLInputElement>('[data-testid="keep-titles"]')!.checked).toBe(true);
    expect($<HTMLInputElement>('[data-testid="track-incognito"]')!.checked).toBe(false);
    expect($<HTMLInputElement>('[data-testid="retention-days"]')!.value).toBe('365');
    expect(container.textContent).toContain('does not let Tokenwise run in private windows');
  });

  it('turns text on for one site only after the person confirms, and off again', async () => {
    const confirm = vi.fn().mockReturnValueOnce(false).mockReturnValueOnce(true);
    vi.stubGlobal('confirm', confirm);
    await click('[data-testid="store-text"]');
    expect((await getSettings()).sites[SITE]).toBeUndefined();
    await click('[data-testid="store-text"]');
    expect(confirm.mock.calls[1]![0]).toContain('API keys');
    expect((await getSettings()).sites[SITE]).toEqual({ storeText: true, keepTitles: true });
    await click('[data-testid="store-text"]');
    expect((await getSettings()).sites[SITE]).toEqual({ storeText: false, keepTitles: true });
  });

  it('pauses everything until resumed, says so, and resumes', async () => {
    await click('[data-testid="pause-resumed"]');
    expect((await getSettings()).pause).toMatchObject({ until: null });
    expect($('[data-testid="pause-status"]')!.textContent).toBe(
      'Tracking is paused on every site until you resume it.',
    );
    await click('[data-testid="resume"]');
    expect((await getSettings()).pause).toBeNull();
    expect($('[data-testid="pause-status"]')!.textContent).toBe('Tracking is on for the sites below.');
  });

  it('pauses for an hour', async () => {
    const before = Date.now();
    await click('[data-testid="pause-hour"]');
    const { pause } = await getSettings();
    expect(pause!.until! - pause!.since).toBe(3_600_000);
    expect(pause!.since).toBeGreaterThanOrEqual(before);
  });

  it('keeps history forever, or asks before a shorter period deletes history', async () => {
    await click('[data-testid="retention-forever"]');
    expect((await getSettings()).retentionDays).toBeNull();
    await click('[data-testid="retention-days-choice"]');
    expect((await getSettings()).retentionDays).toBe(365);

    const input = $<HTMLInputElement>('[data-testid="retention-days"]')!;
    const type = async (v: string) => {
      await act(async () => {
        Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!.call(input, v);
        input.dispatchEvent(new Event('input', { bubbles: true }));
      });
      await act(async () => input.dispatchEvent(new FocusEvent('focusout', { bubbles: true })));
      await settle();
    };
    await type('0');
    expect($('[role="alert"]')!.textContent).toContain('from 1 to');
    expect((await getSettings()).retentionDays).toBe(365);

    vi.stubGlobal('confirm', vi.fn().mockReturnValueOnce(false).mockReturnValueOnce(true));
    await type('30');
    expect((await getSettings()).retentionDays).toBe(365);
    await type('30');
    expect((await getSettings()).retentionDays).toBe(30);
  });

  it('follows settings changed elsewhere (another tab)', async () => {
    await act(async () => saveSettings({ ...DEFAULT_SETTINGS, trackIncognito: true }));
    await settle();
    expect($<HTMLInputElement>('[data-testid="track-incognito"]')!.checked).toBe(true);
  });

  it('says, for a site with text on, how many texts are kept and how many things were redacted', async () => {
    await getDb().texts.clear();
    await getDb().texts.bulkPut([
      { id: `${SITE}|a`, site: SITE, day: '2026-11-25', at: 1, reply: 'x', redactions: { 'api-key': 1, email: 1 } },
      { id: `${SITE}|b`, site: SITE, day: '2026-11-25', at: 2, prompt: 'y', redactions: { 'card-number': 1 } },
    ]);
    expect($('[data-testid="text-count"]')).toBeNull(); // text is off: nothing to say
    await act(async () =>
      saveSettings({ ...DEFAULT_SETTINGS, sites: { [SITE]: { storeText: true, keepTitles: true } } }),
    );
    for (let i = 0; i < 50 && !$('[data-testid="text-count"]'); i++) await settle();
    expect($('[data-testid="text-count"]')!.textContent!.trim()).toBe('2 texts kept, 3 items redacted');
  });
});
