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
    return await page.evaluate(async (days) => {
      const countTurns = () =>
        new Promise<number>((resolve, reject) => {
          const open = indexedDB.open('tokenwise');
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const req = open.result.transaction('turns').objectStore('turns').count();
            req.onsuccess = () => {
              open.result.close();
              resolve(req.result);
            };
            req.onerror = () => reject(req.error);
          };
        });
      interface Area {
        get(key: string): Promise<Record<string, unknown>>;
        set(items: Record<string, unknown>): Promise<void>;
      }
      const chromeApi = (globalThis as unknown as { chrome: { storage: { local: Area } } }).chrome;
      const before = await countTurns();
      const { settings } = (await chromeApi.storage.local.get('settings')) as { settings?: Record<string, unknown> };
      const t0 = performance.now();
      await chromeApi.storage.local.set({
        settings: { sites: {}, pause: null, trackIncognito: false, ...settings, retentionDays: days },
      });
      for (;;) {
        const n = await countTurns();
        if (n < before) return { ms: performance.now() - t0, turnsBefore: before, turnsAfter: n };
        if (performance.now() - t0 > 120_000) throw new Error('retention did not prune within 2 minutes');
        await new Promise((r) => setTimeout(r, 20));
      }
    }, days);
  } finally {
    await page.close();
  }
}
