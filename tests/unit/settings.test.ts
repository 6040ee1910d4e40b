import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, isPaused, parseSettings, pauseFor, sitePrivacy } from '@/utils/settings';

const SITE = 'https://ai.acme.example';

describe('parseSettings', () => {
  it.each([
    ['nothing stored', undefined],
    ['not an object', 'yes'],
    ['an unknown key', { ...DEFAULT_SETTINGS, sendEverything: true }],
    ['retention of 0 days', { ...DEFAULT_SETTINGS, retentionDays: 0 }],
    [
      'a site that is not an origin',
      { ...DEFAULT_SETTINGS, sites: { 'javascript:alert(1)': { storeText: true, keepTitles: true } } },
    ],
    [
      'text storage that is not a boolean',
      { ...DEFAULT_SETTINGS, sites: { [SITE]: { storeText: 'yes', keepTitles: true } } },
    ],
  ])('reads %s as the private defaults', (_, raw) => {
    expect(parseSettings(raw)).toEqual(DEFAULT_SETTINGS);
  });

  it('keeps valid choices', () => {
    const s = { ...DEFAULT_SETTINGS, retentionDays: null, sites: { [SITE]: { storeText: true, keepTitles: false } } };
    expect(parseSettings(s)).toEqual(s);
  });
});

describe('sitePrivacy', () => {
  it('is text off and titles on for a site with no choices', () => {
    expect(sitePrivacy(DEFAULT_SETTINGS, SITE)).toEqual({ storeText: false, keepTitles: true });
  });
});

describe('pauses', () => {
  const now = new Date(2026, 10, 25, 15, 30).getTime();
  it('an hour ends an hour later', () => {
    const p = pauseFor('hour', now);
    expect(isPaused({ ...DEFAULT_SETTINGS, pause: p }, now + 59 * 60_000)).toBe(true);
    expect(isPaused({ ...DEFAULT_SETTINGS, pause: p }, now + 60 * 60_000)).toBe(false);
  });

  it('"until tomorrow" ends at the next local midnight, also on the night the clocks change', () => {
    expect(new Date(pauseFor('tomorrow', now).until!)).toEqual(new Date(2026, 10, 26, 0, 0));
    const dstEnd = new Date(2026, 9, 24, 23, 0).getTime(); // the clocks go back at 03:00 on 25 Oct (Berlin)
    expect(new Date(pauseFor('tomorrow', dstEnd).until!)).toEqual(new Date(2026, 9, 25, 0, 0));
  });

  it('"until resumed" never ends by itself', () => {
    expect(isPaused({ ...DEFAULT_SETTINGS, pause: pauseFor('resumed', now) }, now + 1e12)).toBe(true);
    expect(isPaused(DEFAULT_SETTINGS, now)).toBe(false);
  });
});
