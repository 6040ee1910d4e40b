/**
 * Figure 9: export and import of the heavy year (figure 6 seeds it: 365 days × 200 turns, 55 tasks a day),
 * driven through the options page's "Your data" section as a person would: "Export everything" (the download
 * captured by Playwright), "Delete all history", then the file picked for import, its preview, and "Import".
 * Timed from the click (or the file pick) until the page says it is done; the page's JS heap is sampled over
 * CDP (Runtime.getHeapUsage) every 50 ms throughout, and its peak reported.
 */
import type { CDPSession, Page } from 'playwright-core';
import { openExtensionPage, type ExtBrowser } from '../e2e/harness';

export interface ExportImportResult {
  exportMs: number;
  /** checkImport: file picked → preview shown. */
  checkMs: number;
  /** applyImport: "Import" clicked → result shown. */
  applyMs: number;
  fileBytes: number;
  /** Turns in the preview (all new, the database having been wiped) and the rows written. */
  turns: number;
  written: number;
  /** Peak used JS heap of the options page during the export, and during check + apply (bytes). */
  exportPeakHeap: number;
  importPeakHeap: number;
}

/** Samples the page's used JS heap until stopped; returns the peak. */
function sampleHeap(cdp: CDPSession): { stop: () => Promise<number> } {
  let peak = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const { usedSize } = await cdp.send('Runtime.getHeapUsage');
      peak = Math.max(peak, usedSize);
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return peak;
    },
  };
}

/**
 * How long a step may take before the figure fails instead of reporting: generous, so that a run far over its
 * budget (a busy machine, or a regression) still yields its number.
 */
const STEP_TIMEOUT_MS = 300_000;

const byTestId = (page: Page, id: string) => page.locator(`[data-testid="${id}"]`);

export async function measureExportImport(b: ExtBrowser, log: (s: string) => void): Promise<ExportImportResult> {
  const page = await openExtensionPage(b, 'options.html');
  try {
    await page.setViewportSize({ width: 1000, height: 900 });
    await byTestId(page, 'export-json').waitFor({ timeout: 20_000 });
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('HeapProfiler.collectGarbage');

    // Export.
    let heap = sampleHeap(cdp);
    let t0 = Date.now();
    const [download] = await Promise.all([
      page.waitForEvent('download', { timeout: STEP_TIMEOUT_MS }),
      byTestId(page, 'export-json').click(),
    ]);
    await byTestId(page, 'export-status').filter({ hasText: 'Saved' }).waitFor({ timeout: STEP_TIMEOUT_MS });
    const exportMs = Date.now() - t0;
    const exportPeakHeap = await heap.stop();
    const file = await download.path();
    const { statSync } = await import('node:fs');
    const fileBytes = statSync(file).size;
    log(
      `  export: ${exportMs} ms, ${(fileBytes / 1e6).toFixed(1)} MB, peak heap ${(exportPeakHeap / 1e6).toFixed(0)} MB`,
    );

    // Wipe, so the import writes every row.
    await byTestId(page, 'wipe-open').click();
    await byTestId(page, 'wipe-confirm').click();
    await byTestId(page, 'wipe-result').filter({ hasText: 'deleted' }).waitFor({ timeout: 60_000 });
    await cdp.send('HeapProfiler.collectGarbage');

    // Import: check (preview), then apply.
    heap = sampleHeap(cdp);
    t0 = Date.now();
    await byTestId(page, 'import-file').setInputFiles(file);
    await byTestId(page, 'import-preview').waitFor({ timeout: STEP_TIMEOUT_MS });
    const checkMs = Date.now() - t0;
    const turns = Number(
      (
        await page.locator('[data-testid="import-preview"] tr[data-table="turns"] td[data-col="new"]').textContent()
      )?.replaceAll(',', '') ?? Number.NaN,
    );
    t0 = Date.now();
    await byTestId(page, 'import-confirm').click();
    const result = byTestId(page, 'import-result').filter({ hasText: 'Imported' });
    await result.waitFor({ timeout: STEP_TIMEOUT_MS });
    const applyMs = Date.now() - t0;
    const importPeakHeap = await heap.stop();
    const written = Number(/Imported ([\d,]+)/.exec((await result.textContent()) ?? '')?.[1]?.replaceAll(',', ''));
    log(
      `  import: check ${checkMs} ms, apply ${applyMs} ms (${turns} turns, ${written} rows written), ` +
        `peak heap ${(importPeakHeap / 1e6).toFixed(0)} MB`,
    );
    await cdp.detach();
    return { exportMs, checkMs, applyMs, fileBytes, turns, written, exportPeakHeap, importPeakHeap };
  } finally {
    await page.close();
  }
}
