/**
 * Figure 10: pruning the heavy year by retention (reported, no budget). After figure 9 the year is back in the
 * database; the retention setting is shortened to 30 days the way the options page stores it, and the time is
 * taken from that write until the background's one pruning transaction has committed (the turns count drops).
 */
import { openExtensionPage, type ExtBrowser } from '../e2e/harness';

export interface PruneResult {
  ms: number;
  turnsBefore: number;
  turnsAfter: number;
}

export async function measurePrune(b: ExtBrowser, days: number): Promise<PruneResult> {
  const page = await openExtensionPage(b, 'options.html');
  try {
    // No named functions inside: tsx (esbuild keepNames) would wrap them in a `__name` the page lacks.
    return await page.evaluate(async (days) => {
      interface Area {
        get(key: string): Promise<Record<string, unknown>>;
        set(items: Record<string, unknown>): Promise<void>;
      }
      const local = (globalThis as unknown as { chrome: { storage: { local: Area } } }).chrome.storage.local;
      let before = -1;
      let t0 = 0;
      for (;;) {
        const n = await new Promise<number>((resolve, reject) => {
          const open = indexedDB.open('tokenwise');
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            // Turns are stored in bundles: the entries of their `ids` index count the turns.
            const req = open.result.transaction('turnBundles').objectStore('turnBundles').index('ids').count();
            req.onsuccess = () => {
              open.result.close();
              resolve(req.result);
            };
            req.onerror = () => reject(req.error);
          };
        });
        if (before < 0) {
          before = n;
          const { settings } = (await local.get('settings')) as { settings?: Record<string, unknown> };
          t0 = performance.now();
          await local.set({
            settings: { sites: {}, pause: null, trackIncognito: false, ...settings, retentionDays: days },
          });
        } else if (n < before) {
          return { ms: performance.now() - t0, turnsBefore: before, turnsAfter: n };
        } else if (performance.now() - t0 > 300_000) {
          throw new Error('retention did not prune within 5 minutes');
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    }, days);
  } finally {
    await page.close();
  }
}
