/**
 * Figure 6: the popup's first render over a heavy year of history.
 *
 * Seeding writes straight into the extension's IndexedDB from an extension page (same origin as the
 * worker) once Dexie has created the database: 365 days × 200 turns over several sites, mixed
 * provenance and formats, some of them agent-run steps, plus daily rollups computed from exactly those
 * turns (as ingest keeps them).
 * Then popup.html opens in a fresh tab, N times; an init script notes `performance.now()` (0 = the
 * navigation's start) when `main[data-ready="true"]` is in the DOM and when the chart first paints bars on
 * its canvas (the first canvas fill inside that main, once the synchronous Chart.js draw has finished).
 */
import { openExtensionPage, type ExtBrowser } from '../e2e/harness';
import { median } from './stats';
import { eventUrl, frameLabel, innermost, readProfile, top, traceDuring } from './trace';

export { SEED_SITES, seedHistory, type SeedResult } from '../e2e/seed-history';
import { seedHistory, type SeedResult } from '../e2e/seed-history';

/** Installed before any popup script runs. */
const PROBE = `(() => {
  const probe = (window.__popupProbe = { ready: undefined, chart: undefined, pending: false });
  const mark = () => {
    if (probe.ready === undefined && document.querySelector('main[data-ready="true"]')) probe.ready = performance.now();
  };
  new MutationObserver(mark).observe(document, { childList: true, subtree: true, attributes: true, attributeFilter: ['data-ready'] });
  const proto = CanvasRenderingContext2D.prototype;
  for (const m of ['fill', 'fillRect']) {
    const original = proto[m];
    proto[m] = function (...args) {
      if (!probe.pending && this.canvas.width > 0 && this.canvas.closest('main[data-ready="true"]')) {
        probe.pending = true;
        mark();
        queueMicrotask(() => { probe.chart = performance.now(); });
      }
      return original.apply(this, args);
    };
  }
})();`;

interface Probe {
  ready?: number;
  chart?: number;
  /** Navigation timing of the popup document (ms from its navigation start). */
  htmlLoaded?: number;
  scriptsRun?: number;
}

export interface PopupResult {
  /** ms from navigation start to the chart drawn in main[data-ready] (the budgeted figure), per run. */
  samples: number[];
  readySamples: number[];
  medianMs: number;
  medianReadyMs: number;
  /** Medians of the phases: HTML received, scripts evaluated (DOMContentLoaded end), data-ready, chart. */
  phases: { htmlLoaded: number; scriptsRun: number; ready: number; chart: number };
}

async function openOnce(b: ExtBrowser, chart = true): Promise<Probe> {
  const page = await b.ctx.newPage();
  try {
    await page.setViewportSize({ width: 360, height: 600 });
    await page.addInitScript(PROBE);
    await page.goto(`chrome-extension://${b.extId}/popup.html`);
    // An empty history (BENCH_ONLY without the figures that store usage first) shows the empty state and
    // no chart: its first render is the figures' frame alone.
    await page.waitForFunction(
      (chart) => {
        const p = (window as unknown as { __popupProbe?: Probe }).__popupProbe;
        const empty = document.querySelector('[data-testid="empty-state"]') !== null;
        return p?.ready !== undefined && (!chart || empty || p.chart !== undefined);
      },
      chart,
      { timeout: 20_000 },
    );
    const probe = await page.evaluate(() => {
      const p = (window as unknown as { __popupProbe: Probe }).__popupProbe;
      const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
      // DOMContentLoaded ends after the module scripts (the whole popup bundle) have been evaluated.
      return { ...p, htmlLoaded: nav?.responseEnd, scriptsRun: nav?.domContentLoadedEventEnd };
    });
    const rows = await page.locator('tr[data-site]').count();
    const empty = (await page.locator('[data-testid="empty-state"]').count()) > 0;
    if (chart && rows === 0 && !empty)
      throw new Error('the popup shows no site rows: the seeded history is not on screen');
    return { ready: probe.ready, chart: probe.chart, htmlLoaded: probe.htmlLoaded, scriptsRun: probe.scriptsRun };
  } finally {
    await page.close();
  }
}

export async function measurePopup(b: ExtBrowser, runs: number, log: (s: string) => void): Promise<PopupResult> {
  await openOnce(b); // warm-up: code cache, IndexedDB files
  const samples: number[] = [];
  const readySamples: number[] = [];
  const html: number[] = [];
  const scripts: number[] = [];
  for (let i = 0; i < runs; i++) {
    const p = await openOnce(b);
    samples.push(Math.max(p.chart ?? p.ready!, p.ready!));
    readySamples.push(p.ready!);
    html.push(p.htmlLoaded ?? Number.NaN);
    scripts.push(p.scriptsRun ?? Number.NaN);
    log(
      `  popup ${i + 1}/${runs}: html ${p.htmlLoaded?.toFixed(0)} ms, scripts run ${p.scriptsRun?.toFixed(0)} ms, ` +
        `data-ready ${p.ready!.toFixed(0)} ms, chart drawn ${p.chart?.toFixed(0) ?? '(none: empty history)'} ms`,
    );
  }
  const medianMs = median(samples);
  const medianReadyMs = median(readySamples);
  return {
    samples,
    readySamples,
    medianMs,
    medianReadyMs,
    phases: { htmlLoaded: median(html), scriptsRun: median(scripts), ready: medianReadyMs, chart: medianMs },
  };
}

/** Opens popup.html once so Dexie creates (or upgrades) its database, then seeds it. */
export async function prepareHistory(
  b: ExtBrowser,
  days: number,
  perDay: number,
  tasksPerDay?: number,
): Promise<SeedResult> {
  const page = await openExtensionPage(b, 'popup.html');
  try {
    await page.locator('main[data-ready="true"]').waitFor({ timeout: 20_000 });
    const seeded = await seedHistory(page, { days, perDay, tasksPerDay });
    // The timed opens accept an empty popup (for a history not yet seeded); a seeded one must show its sites.
    await page.reload();
    await page.locator('tr[data-site]').first().waitFor({ timeout: 20_000 });
    return seeded;
  } finally {
    await page.close();
  }
}

export interface PopupBreakdown {
  /** CPU-sampled main-thread ms of the popup's document, by script file (innermost frame with a url). */
  byFile: { what: string; ms: number }[];
  /** Heaviest functions (innermost frame with a url, native callees included). */
  topFunctions: { what: string; ms: number }[];
  /** Sampled ms that were not idle. */
  busyMs: number;
}

/**
 * One profiled open, for attribution only (the profiler adds start-up cost, so no timing is taken here):
 * sampled main-thread time by script file and by function, from navigation to the chart drawn.
 */
export async function profilePopup(b: ExtBrowser): Promise<PopupBreakdown> {
  const page = await b.ctx.newPage();
  try {
    await page.setViewportSize({ width: 360, height: 600 });
    await page.addInitScript(PROBE);
    const { events } = await traceDuring(page, async () => {
      await page.goto(`chrome-extension://${b.extId}/popup.html`);
      await page.waitForFunction(() => {
        const p = (window as unknown as { __popupProbe?: Probe }).__popupProbe;
        return p?.ready !== undefined && p.chart !== undefined;
      });
    });
    const prefix = `chrome-extension://${b.extId}/`;
    const first = events.find((e) => e.name === 'v8.compileModule' && eventUrl(e).startsWith(prefix));
    if (!first) throw new Error('the popup bundle was not compiled in the trace');
    const { nodes, samples, durations } = readProfile(events, first.pid, first.tid);
    const withUrl = innermost(nodes, (url) => url !== '');
    const files = new Map<string, number>();
    const fns = new Map<string, number>();
    let busyMs = 0;
    samples.forEach((id, i) => {
      const ms = durations[i]!;
      const leaf = nodes.get(id)?.callFrame.functionName ?? '';
      if (leaf === '(idle)') return;
      busyMs += ms;
      const f = withUrl(id);
      const file = f ? (f.callFrame.url ?? '').replace(prefix, '') : leaf || '(unknown)';
      files.set(file, (files.get(file) ?? 0) + ms);
      if (f) fns.set(frameLabel(f.callFrame, prefix), (fns.get(frameLabel(f.callFrame, prefix)) ?? 0) + ms);
    });
    const pick = (m: Map<string, number>, n: number) => top(m, n).map(({ fn, ms }) => ({ what: fn, ms }));
    return { byFile: pick(files, 6), topFunctions: pick(fns, 6), busyMs };
  } finally {
    await page.close();
  }
}

/** Marks `data-ready` on the dashboard's main: performance.now() from the navigation's start. */
const READY_PROBE = `(() => {
  const probe = (window.__readyProbe = { ready: undefined });
  new MutationObserver(() => {
    if (probe.ready === undefined && document.querySelector('main[data-ready="true"]')) probe.ready = performance.now();
  }).observe(document, { childList: true, subtree: true, attributes: true, attributeFilter: ['data-ready'] });
})();`;

/**
 * The dashboard's first render (main[data-ready]: headline figures, charts' frames and the first rows of the
 * task table on screen) over the seeded year, `runs` fresh opens after a warm-up, 30-day range.
 */
export async function measureDashboard(b: ExtBrowser, runs: number, log: (s: string) => void): Promise<number[]> {
  const once = async () => {
    const page = await b.ctx.newPage();
    try {
      await page.setViewportSize({ width: 1280, height: 900 });
      await page.addInitScript(READY_PROBE);
      await page.goto(`chrome-extension://${b.extId}/dashboard.html#range=30d`);
      const ready = await page.waitForFunction(
        () => (window as unknown as { __readyProbe: { ready?: number } }).__readyProbe.ready,
        undefined,
        { timeout: 20_000 },
      );
      const rows = await page.locator('[data-testid="task-row"]').count();
      if (rows === 0) throw new Error('the dashboard shows no task rows: the seeded history is not on screen');
      return (await ready.jsonValue()) as number;
    } finally {
      await page.close();
    }
  };
  await once(); // warm-up
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    out.push(await once());
    log(`  dashboard ${i + 1}/${runs}: data-ready ${out[i]!.toFixed(0)} ms`);
  }
  return out;
}

/**
 * Marking an outcome → the popup updated: a click on "Done" in the popup's list of tasks that need an outcome
 * until the count above it changes (the message to the worker, its Dexie write, the live query and React's
 * render), timed inside the popup with performance.now().
 */
export async function measureOutcomeToPopup(b: ExtBrowser, runs: number, log: (s: string) => void): Promise<number[]> {
  const page = await openExtensionPage(b, 'popup.html');
  try {
    await page.setViewportSize({ width: 360, height: 800 });
    await page.locator('main[data-ready="true"]').waitFor({ timeout: 20_000 });
    const out: number[] = [];
    for (let i = 0; i <= runs; i++) {
      const ms = await page.evaluate(
        () =>
          new Promise<number>((resolve, reject) => {
            const count = document.querySelector('[data-testid="need-outcome-count"]');
            const button = document.querySelector<HTMLButtonElement>(
              '[data-testid="outcome-item"] [data-testid="mark-done"]',
            );
            if (!count || !button) return reject(new Error('no task waiting for an outcome in the popup'));
            const before = count.textContent;
            const t0 = performance.now();
            // No named functions in here: tsx (esbuild keepNames) would wrap them in a missing `__name`.
            const observer = new MutationObserver(() => {
              const now = document.querySelector('[data-testid="need-outcome-count"]')?.textContent;
              if (now !== before) {
                observer.disconnect();
                resolve(performance.now() - t0);
              }
            });
            observer.observe(document.body, { subtree: true, childList: true, characterData: true });
            setTimeout(() => reject(new Error('the popup did not update within 5 s')), 5000);
            button.click();
          }),
      );
      if (i > 0) {
        out.push(ms); // the first is a warm-up
        log(`  outcome ${i}/${runs}: popup updated after ${ms.toFixed(1)} ms`);
      }
      await page.waitForTimeout(150);
    }
    return out;
  } finally {
    await page.close();
  }
}
