// Bad input on the page: malformed, binary, truncated, huge and page-aborted bodies, and pages that patch
// fetch or Response.prototype.clone themselves. Each scenario runs in a browser with Tokenwise and in one
// without it: the page must not be able to tell (same bytes, same order of its own events, no errors), only
// valid turns may be stored, and bodies that matched no format show up in the site's health record.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launch, openExtensionPage, waitFor, type ExtBrowser } from './harness';
import { BAD_IDS, startBadInputServer } from './fixtures/bad-input-server';
import { healthOf, launchPlain, outboxFor, sleep, turnProblems, turnsOf, type FixtureServer } from './support';

let b: ExtBrowser;
let plain: Browser;
let ext: Page;
const servers: FixtureServer[] = [];

beforeAll(async () => {
  [b, plain] = await Promise.all([launch(), launchPlain()]);
  ext = await openExtensionPage(b, 'popup.html');
});
afterAll(async () => {
  await b?.close();
  await plain?.close();
  await Promise.all(servers.map((s) => s.close()));
});

interface Outcome {
  hash: string;
  bytes: number;
  events: string[];
  pageErrors: string[];
}

async function runIn(page: Page, origin: string, scenario: string): Promise<Outcome> {
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(`${origin}/bad-input.html`);
  const r = await page.evaluate(
    (name) => (window as unknown as { __run(n: string): Promise<Omit<Outcome, 'pageErrors'>> }).__run(name),
    scenario,
  );
  return { ...r, pageErrors };
}

interface Expected {
  /** An event the page itself must have recorded (proves the scenario did what it says). */
  landmark: string;
  /** The only turn allowed for this scenario, if any. */
  turn?: { id: string; status: 'complete' | 'aborted'; source: 'exact' | 'estimated' };
  /** A body that matched no format: counted in the site's health. */
  unrecognised: boolean;
}

const SCENARIOS: Array<[string, Expected]> = [
  ['malformed-sse', { landmark: 'body-done', unrecognised: true }],
  ['binary-sse', { landmark: 'body-done', unrecognised: true }],
  ['huge-json', { landmark: 'body-done', unrecognised: true }],
  [
    'truncated-sse',
    {
      landmark: 'body-error TypeError',
      turn: { id: BAD_IDS.truncated, status: 'aborted', source: 'estimated' },
      unrecognised: false,
    },
  ],
  [
    'page-abort',
    {
      landmark: 'body-error AbortError',
      turn: { id: BAD_IDS.pageAbort, status: 'aborted', source: 'estimated' },
      unrecognised: false,
    },
  ],
  [
    'patched-fetch',
    {
      landmark: 'my-fetch-resolved',
      turn: { id: BAD_IDS.valid, status: 'complete', source: 'exact' },
      unrecognised: false,
    },
  ],
  [
    'replaced-clone',
    { landmark: 'body-done', turn: { id: BAD_IDS.valid, status: 'complete', source: 'exact' }, unrecognised: false },
  ],
];

describe('bad input on the page', () => {
  it.each(SCENARIOS)('%s: the page cannot tell we are there; only valid turns are stored', async (scenario, want) => {
    // One server (one page origin, so one `site` and one health record) per scenario.
    const server = await startBadInputServer();
    servers.push(server);
    const site = server.origin;
    const [extPage, plainPage] = await Promise.all([b.ctx.newPage(), plain.newPage()]);
    const [withExt, without] = await Promise.all([runIn(extPage, site, scenario), runIn(plainPage, site, scenario)]);
    await plainPage.close();

    expect(withExt.pageErrors).toEqual([]);
    expect(without.pageErrors).toEqual([]);
    expect(without.events, 'the scenario ran as designed').toContain(want.landmark);
    expect(withExt.events, 'the page’s own events, in order').toEqual(without.events);
    expect([withExt.bytes, withExt.hash], 'the bytes the page received').toEqual([without.bytes, without.hash]);
    expect(withExt.bytes).toBeGreaterThan(0);

    if (want.turn) {
      const key = `${site}|openai-chat:${want.turn.id}`;
      expect(await waitFor(async () => (await turnsOf(ext, site)).some((t) => t.id === key), 10_000)).toBe(true);
      expect(await waitFor(async () => (await outboxFor(ext, site)).length === 0, 10_000)).toBe(true);
    }
    // Unrecognised bodies only: close the tab at once. The relay reports health a moment later, so this
    // also checks that closing the page does not lose that report.
    await extPage.close();
    if (!want.turn) await sleep(1000); // a fact, had one been produced, would be stored by now
    const turns = await turnsOf(ext, site);
    expect(turns.flatMap(turnProblems)).toEqual([]);
    expect(turns.map((t) => [t.id.slice(site.length + 1), t.status, t.source])).toEqual(
      want.turn ? [[`openai-chat:${want.turn.id}`, want.turn.status, want.turn.source]] : [],
    );
    expect(await outboxFor(ext, site)).toEqual([]);

    if (want.unrecognised) {
      // The relay reports health every 2 s at most.
      const health = await waitFor(async () => {
        const h = await healthOf(ext, site);
        return h && h.unrecognised > 0 ? h : undefined;
      }, 10_000);
      expect(health?.unrecognised, 'counted as seen but not understood').toBeGreaterThan(0);
      expect(health?.lastUnrecognisedAt).toBeGreaterThan(Date.now() - 120_000);
    }
  });
});
