// @vitest-environment happy-dom
// Claude's quota windows ("utilisation and reset time shown in the popup as the site's own figure", issue 6), step by
// step: the adapter keeps them within the relay's bounds, toFact carries them in the usage fact, the relay's
// structural check and the background's Zod accept them, the background keeps the latest per site on its health
// row, and the popup puts them in words from the health rows it already reads.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { claude } from '@/utils/adapters/claude';
import { toFact, type CallMeta } from '@/utils/capture/report';
import { checkPageMessage } from '@/utils/relay-core';
import { PageMessage, SiteFact } from '@/utils/messages';
import { ingestFacts, recordHealth } from '@/entrypoints/background/ingest';
import { handleMessage } from '@/entrypoints/background/router';
import { getDb } from '@/utils/db';
import { SiteHealth, type SiteHealth as SiteHealthRow } from '@/utils/records';
import { currentQuota, describeWindow, formatReset, quotaLabel, UNDATED_QUOTA_MS } from '@/utils/quota';
import { SiteQuotas } from '@/components/SiteQuotas';
import { fakeContext, runBody } from './adapters/site-helpers';
import { freshDb, NOON, siteFact } from './helpers';
import { freshBackground } from './fakes';
import { countTurns } from '@/utils/turn-store';

const CLAUDE = 'https://claude.ai';
// (happy-dom's URL is not Node's: fixtures are read by path)
const claudeFixture = (file: string) => readFileSync(resolve('tests/fixtures/claude', file), 'utf8');
const COMPLETION = `${CLAUDE}/api/organizations/org-1/chat_conversations/conv-1/completion`;
const meta = { url: COMPLETION, method: 'POST', contentType: 'application/json' };
const callMeta = (): CallMeta => ({
  transport: 'fetch',
  url: COMPLETION,
  method: 'POST',
  startedAt: NOON,
  t0: performance.now(),
  gesture: 0,
  adapter: claude,
});

/** A minimal Claude reply whose `message_limit` frame carries `limit`. */
const replyWithLimit = (limit: unknown) =>
  [
    { type: 'message_start', message: { id: 'chatcompl_q', model: 'claude-sonnet-4-5' } },
    { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hallo!' } },
    { type: 'message_limit', message_limit: limit },
    { type: 'message_stop' },
  ]
    .map((f) => `event: ${f.type}\ndata: ${JSON.stringify(f)}\n\n`)
    .join('');

describe('the hook: quota windows in the usage fact', () => {
  it("carries the windows of Claude's message_limit frame, accepted by the relay and by Zod", () => {
    const { turns } = runBody(claude, meta, claudeFixture('completion.sse'), { context: fakeContext() });
    const fact = toFact(turns[0]!, callMeta(), CLAUDE);
    expect(fact.quota).toEqual([
      { kind: '5h', utilization: 0.18, resetsAt: 1_773_497_400_000 },
      { kind: '7d', utilization: 0.42, resetsAt: 1_773_934_200_000 },
    ]);
    const msg = { type: 'usage', fact };
    expect(checkPageMessage(msg)).toBe(msg);
    expect(PageMessage.safeParse(msg).success).toBe(true);
    expect(SiteFact.safeParse({ site: CLAUDE, fact }).success).toBe(true);
  });

  it('leaves the field out when a reply reported no quota', () => {
    const { turns } = runBody(claude, meta, claudeFixture('stopped.sse'), { aborted: true });
    expect(turns).toHaveLength(1);
    expect('quota' in toFact(turns[0]!, callMeta(), CLAUDE)).toBe(false);
    expect('quota' in toFact({ ...turns[0]!, quota: [] }, callMeta(), CLAUDE)).toBe(false);
  });

  it.each([
    ['a reset at 0', 0],
    ['a reset in seconds before 2017', 1_400_000_000],
    ['a reset past 2096', 5_000_000_000_000],
    ['a reset that is not a date', 'soon'],
  ])('keeps the window but drops %s, so the turn still passes the relay', (_name, resetsAt) => {
    const body = replyWithLimit({ windows: { '5h': { utilization: 0.3, resets_at: resetsAt } } });
    const { turns } = runBody(claude, meta, body);
    const fact = toFact(turns[0]!, callMeta(), CLAUDE);
    expect(fact.quota).toEqual([{ kind: '5h', utilization: 0.3 }]);
    expect(checkPageMessage({ type: 'usage', fact })).toBeDefined();
  });

  it('bounds what it carries: at most 8 windows, names of 40 characters, a share of at most 1', () => {
    const windows = Object.fromEntries(
      Array.from({ length: 12 }, (_, i) => [`w${i}-${'x'.repeat(50)}`, { utilization: 1.2 }]),
    );
    const { turns } = runBody(claude, meta, replyWithLimit({ windows }));
    const fact = toFact(turns[0]!, callMeta(), CLAUDE);
    expect(fact.quota).toHaveLength(8);
    expect(fact.quota!.every((w) => w.kind.length === 40 && w.utilization === 1)).toBe(true);
    expect(checkPageMessage({ type: 'usage', fact })).toBeDefined();
    expect(PageMessage.safeParse({ type: 'usage', fact }).success).toBe(true);
  });
});

describe('the background: the latest quota per site on its health row', () => {
  const FIVE = { kind: '5h', utilization: 0.42, resetsAt: NOON + 2 * 3_600_000 };
  const WEEK = { kind: '7d', utilization: 0.61, resetsAt: NOON + 3 * 86_400_000 };

  it('stores the windows with the time of the reply that reported them', async () => {
    const db = freshDb();
    await ingestFacts(db, [siteFact({ key: 'claude-web:a', quota: [FIVE, WEEK] }, CLAUDE)]);
    const h = await db.health.get(CLAUDE);
    expect(h?.quota).toEqual({ windows: [FIVE, WEEK], at: NOON });
    expect(SiteHealth.safeParse(h).success).toBe(true); // the stored row is what an export file may hold
  });

  it('keeps the latest: a newer reply replaces it, an older one delivered late (an outbox replay) does not', async () => {
    const db = freshDb();
    const later = { ...FIVE, utilization: 0.5 };
    await ingestFacts(db, [siteFact({ key: 'claude-web:a', quota: [FIVE] }, CLAUDE)]);
    await ingestFacts(db, [siteFact({ key: 'claude-web:b', startedAt: NOON + 60_000, quota: [later] }, CLAUDE)]);
    expect((await db.health.get(CLAUDE))?.quota).toEqual({ windows: [later], at: NOON + 60_000 });
    await ingestFacts(db, [siteFact({ key: 'claude-web:a', quota: [FIVE] }, CLAUDE)]);
    expect((await db.health.get(CLAUDE))?.quota).toEqual({ windows: [later], at: NOON + 60_000 });
    // within one batch too, whatever the order
    await ingestFacts(db, [
      siteFact({ key: 'claude-web:d', startedAt: NOON + 180_000, quota: [WEEK] }, CLAUDE),
      siteFact({ key: 'claude-web:c', startedAt: NOON + 120_000, quota: [FIVE] }, CLAUDE),
    ]);
    expect((await db.health.get(CLAUDE))?.quota).toEqual({ windows: [WEEK], at: NOON + 180_000 });
  });

  it('keeps the quota when a reply without one arrives, and when health counters change', async () => {
    const db = freshDb();
    await ingestFacts(db, [siteFact({ key: 'claude-web:a', quota: [FIVE] }, CLAUDE)]);
    await ingestFacts(db, [siteFact({ key: 'claude-web:b', startedAt: NOON + 60_000 }, CLAUDE)]);
    await recordHealth(db, CLAUDE, { unrecognised: 1, rejected: 0 });
    expect(await db.health.get(CLAUDE)).toMatchObject({ unrecognised: 1, quota: { windows: [FIVE], at: NOON } });
  });

  describe('through the router', () => {
    const EXT_ID = fakeBrowser.runtime.id;
    const fromClaude = { id: EXT_ID, tab: { id: 3 } as never, url: `${CLAUDE}/chat/conv-1`, origin: CLAUDE };
    beforeEach(() => freshBackground(['https://claude.ai/*']));
    const claudeFact = (quota: unknown) =>
      ({
        site: CLAUDE,
        fact: { ...siteFact({ key: 'claude-web:a', format: 'claude-web', source: 'estimated' }).fact, quota },
      }) as SiteFact;

    it('stores a delivered quota', async () => {
      const reply = await handleMessage({ type: 'deliver', facts: [claudeFact([FIVE])] }, fromClaude);
      expect(reply).toEqual({ ok: true, stored: 1 });
      expect((await getDb().health.get(CLAUDE))?.quota).toEqual({ windows: [FIVE], at: NOON });
    });

    it.each([
      ['a share over 1', [{ kind: '5h', utilization: 4.2 }]],
      ['a reset in seconds', [{ kind: '5h', utilization: 0.4, resetsAt: 1_773_497_400 }]],
      ['a field of its own', [{ kind: '5h', utilization: 0.4, note: 'hi' }]],
      ['nine windows', Array.from({ length: 9 }, () => FIVE)],
    ])('rejects a delivery whose quota has %s (Zod, whatever the relay let through)', async (_n, quota) => {
      const reply = await handleMessage({ type: 'deliver', facts: [claudeFact(quota)] }, fromClaude);
      expect(reply).toMatchObject({ ok: false, final: true });
      expect(await countTurns(getDb())).toBe(0);
      expect((await getDb().health.get(CLAUDE))?.quota).toBeUndefined();
    });
  });
});

describe('the popup: in words', () => {
  it.each([
    ['5h', '5-hour limit'],
    ['five_hour', '5-hour limit'],
    ['7d', '7-day limit'],
    ['seven_day', '7-day limit'],
    ['7d_opus', '7-day Opus limit'],
    ['seven_day_opus', '7-day Opus limit'],
    ['seven_day_sonnet', '7-day Sonnet limit'],
    ['12h', '12-hour limit'],
    ['1w', '1-week limit'],
    ['weekly', 'weekly limit'],
    ['message_limit', 'message limit'],
    ['constructor_day', 'constructor day limit'],
    ['_', 'usage limit'],
  ])('names the window %s "%s"', (kind, label) => {
    expect(quotaLabel(kind)).toBe(label);
  });

  it('says when a window resets: the time today, the weekday within a week, else the date', () => {
    expect(formatReset(NOON + 2.5 * 3_600_000, NOON, 'en-GB')).toBe('14:30');
    expect(formatReset(NOON + 3 * 86_400_000, NOON, 'en-GB')).toBe('Sat 12:00');
    expect(formatReset(NOON + 10 * 86_400_000, NOON, 'en-GB')).toBe('5 Dec 12:00');
  });

  it('puts a window in words', () => {
    const w = { kind: '5h', utilization: 0.418, resetsAt: NOON + 2.5 * 3_600_000 };
    expect(describeWindow(w, NOON, 'en-GB')).toBe('5-hour limit 42% used, resets 14:30');
    expect(describeWindow({ kind: '7d', utilization: 1 }, NOON)).toBe('7-day limit 100% used');
  });

  it('shows only the windows that still say something: not reset yet, or undated and recent', () => {
    const h = {
      quota: {
        at: NOON,
        windows: [
          { kind: '5h', utilization: 0.4, resetsAt: NOON + 3_600_000 },
          { kind: '7d', utilization: 0.6, resetsAt: NOON + 86_400_000 },
          { kind: 'x', utilization: 0.1 },
        ],
      },
    };
    expect(currentQuota(h, NOON).map((w) => w.kind)).toEqual(['5h', '7d', 'x']);
    expect(currentQuota(h, NOON + 2 * 3_600_000).map((w) => w.kind)).toEqual(['7d', 'x']);
    expect(currentQuota(h, NOON + UNDATED_QUOTA_MS).map((w) => w.kind)).toEqual([]);
    expect(currentQuota({}, NOON)).toEqual([]);
  });

  describe('SiteQuotas', () => {
    (globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;
    let root: Root;
    let container: HTMLElement;
    beforeEach(() => {
      vi.spyOn(fakeBrowser.runtime, 'getManifest').mockReturnValue({
        manifest_version: 3,
        name: 'Tokenwise',
        version: '0.1.0',
        content_scripts: [{ matches: ['https://claude.ai/*'], js: ['relay.js'] }],
      });
      container = document.createElement('div');
      document.body.append(container);
      root = createRoot(container);
    });
    afterEach(() => {
      act(() => root.unmount());
      container.remove();
    });
    const row = (quota?: SiteHealthRow['quota'], site = CLAUDE): SiteHealthRow => ({
      site,
      unrecognised: 0,
      rejected: 0,
      ...(quota ? { quota } : {}),
    });

    it("shows each site's current windows, labelled as the site's own figure", () => {
      const health = [
        row(),
        row({
          at: NOON,
          windows: [
            { kind: '5h', utilization: 0.42, resetsAt: NOON + 2.5 * 3_600_000 },
            { kind: '7d', utilization: 0.61, resetsAt: NOON + 3 * 86_400_000 },
          ],
        }),
      ];
      act(() => root.render(<SiteQuotas health={health} now={NOON} />));
      const lines = container.querySelectorAll('[data-testid="site-quota"]');
      expect(lines).toHaveLength(1);
      expect(lines[0]!.getAttribute('data-site')).toBe(CLAUDE);
      expect(lines[0]!.textContent).toMatch(
        /^Claude \(its own figure\): 5-hour limit 42% used, resets .*\d\d:\d\d.* · 7-day limit 61% used, resets /,
      );
      expect(lines[0]!.getAttribute('title')).toMatch(/not counted by Tokenwise/);
    });

    it('shows nothing when every window has reset since', () => {
      const health = [row({ at: NOON, windows: [{ kind: '5h', utilization: 0.9, resetsAt: NOON + 60_000 }] })];
      act(() => root.render(<SiteQuotas health={health} now={NOON + 120_000} />));
      expect(container.innerHTML).toBe('');
    });
  });
});
