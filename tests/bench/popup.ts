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
import type { Page } from 'playwright-core';
import { openExtensionPage, type ExtBrowser } from '../e2e/harness';
import { median } from './stats';
import { eventUrl, frameLabel, innermost, readProfile, top, traceDuring } from './trace';

export const SEED_SITES = [
  'https://chat.acme-corp.example',
  'https://assist.example.org',
  'https://llm.internal.example',
  'http://localhost:8080',
];

export interface SeedResult {
  turns: number;
  dailyRows: number;
  ms: number;
  dbVersion: number;
}

/**
 * Writes `days` × `perDay` turns and their rollups with raw IndexedDB, `daysPerTx` days per transaction
 * (Chromium's IndexedDB slows down badly inside one huge transaction), relaxed durability.
 */
export async function seedHistory(page: Page, days: number, perDay: number, daysPerTx = 5): Promise<SeedResult> {
  return page.evaluate(
    async ({ days, perDay, sites, daysPerTx }) => {
      // No named helper functions in here: tsx (esbuild keepNames) would wrap them in a `__name` call that
      // does not exist in the page.
      const t0 = performance.now();
      const sources = [
        'exact',
        'exact',
        'exact',
        'exact',
        'exact',
        'exact',
        'exact',
        'tokenized',
        'estimated',
        'estimated',
      ];
      const formats = ['openai-chat', 'openai-responses', 'anthropic-messages'];
      const transports = ['fetch', 'fetch', 'fetch', 'xhr', 'eventsource', 'websocket'];
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const open = indexedDB.open('tokenwise');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => resolve(open.result);
      });
      try {
        if (!db.objectStoreNames.contains('turns') || !db.objectStoreNames.contains('daily')) {
          throw new Error(`Dexie has not created its stores yet (version ${db.version})`);
        }
        const now = new Date();
        let n = 0;
        let dailyRows = 0;
        for (let first = days - 1; first >= 0; first -= daysPerTx) {
          const tx = db.transaction(['turns', 'daily'], 'readwrite', { durability: 'relaxed' });
          const done = new Promise<void>((resolve, reject) => {
            tx.oncomplete = () => resolve();
            tx.onerror = () => reject(tx.error);
            tx.onabort = () => reject(tx.error ?? new Error('seed transaction aborted'));
          });
          const turns = tx.objectStore('turns');
          type Total = {
            id: string;
            day: string;
            site: string;
            source: string;
            inputTokens: number;
            outputTokens: number;
            turns: number;
          };
          const totals = new Map<string, Total>();
          for (let k = first; k > first - daysPerTx && k >= 0; k--) {
            // Local midnight k days ago, by calendar date (DST-safe); turns spread over its first 20 hours.
            const midnight = new Date(now.getFullYear(), now.getMonth(), now.getDate() - k).getTime();
            for (let i = 0; i < perDay; i++) {
              const at = midnight + Math.floor((i * 20 * 3_600_000) / perDay);
              const site = sites[(i + k) % sites.length]!;
              const source = sources[(i * 3 + k) % sources.length]!;
              const format = formats[i % formats.length]!;
              const d = new Date(at);
              const day = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
              const inputTokens = 50 + ((i * 37 + k * 11) % 4000);
              const outputTokens = 20 + ((i * 53 + k * 7) % 2500);
              const key = `${format}:seed-${day}-${i}`;
              // One turn in five is a step of an agent run (4 steps per run, tool calls by name).
              const agent =
                i % 20 < 4
                  ? {
                      background: true,
                      runId: `run-${day}-${Math.floor(i / 20)}`,
                      runStatus: k === 0 && i >= perDay - 20 ? 'running' : i % 100 < 4 ? 'failed' : 'completed',
                      runName: `nightly-agent-${Math.floor(i / 20) % 3}`,
                      toolCalls: { search: 1 + (i % 3), read_file: 1 + (i % 5) },
                    }
                  : {};
              turns.put({
                ...agent,
                id: `${site}|${key}`,
                site,
                day,
                at,
                format,
                transport: transports[(i + k) % transports.length]!,
                model: format === 'anthropic-messages' ? 'claude-sonnet' : 'gpt-4o',
                inputTokens,
                outputTokens,
                source,
                status: i % 50 === 0 ? 'aborted' : 'complete',
                durationMs: 800 + (i % 40) * 50,
                firstByteMs: 200 + (i % 10) * 30,
                apiOrigin: site,
              });
              n++;
              // Rollups as ingest keeps them: one row per day, site and provenance (seed sites are their own).
              const id = `${day}|${site}|${source}`;
              let t = totals.get(id);
              if (!t) {
                t = { id, day, site, source, inputTokens: 0, outputTokens: 0, turns: 0 };
                totals.set(id, t);
              }
              t.inputTokens += inputTokens;
              t.outputTokens += outputTokens;
              t.turns += 1;
            }
          }
          const daily = tx.objectStore('daily');
          for (const t of totals.values()) daily.put(t);
          dailyRows += totals.size;
          tx.commit();
          await done;
        }
        return { turns: n, dailyRows, ms: performance.now() - t0, dbVersion: db.version };
      } finally {
        db.close();
      }
    },
    { days, perDay, sites: SEED_SITES, daysPerTx },
  );
}

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
    await page.waitForFunction(
      (chart) => {
        const p = (window as unknown as { __popupProbe?: Probe }).__popupProbe;
        return p?.ready !== undefined && (!chart || p.chart !== undefined);
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
    if (chart && rows === 0) throw new Error('the popup shows no site rows: the seeded history is not on screen');
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
    samples.push(Math.max(p.chart!, p.ready!));
    readySamples.push(p.ready!);
    html.push(p.htmlLoaded ?? Number.NaN);
    scripts.push(p.scriptsRun ?? Number.NaN);
    log(
      `  popup ${i + 1}/${runs}: html ${p.htmlLoaded?.toFixed(0)} ms, scripts run ${p.scriptsRun?.toFixed(0)} ms, ` +
        `data-ready ${p.ready!.toFixed(0)} ms, chart drawn ${p.chart!.toFixed(0)} ms`,
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
  daysPerTx?: number,
): Promise<SeedResult> {
  const page = await openExtensionPage(b, 'popup.html');
  try {
    await page.locator('main[data-ready="true"]').waitFor({ timeout: 20_000 });
    return await seedHistory(page, days, perDay, daysPerTx);
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
