/**
 * "The tab was closed" as an outcome hint. Deliveries from a content script name their tab; we remember
 * which conversations each tab had (in session storage, so a worker restart keeps it) and mark them when
 * the tab goes away. tabs.onRemoved needs no permission and tells us nothing about the page.
 */
import { browser, storage } from '#imports';
import { getDb } from '@/utils/db';
import { recordClosed } from './tasks';

const MAX_PER_TAB = 50;
const tabConversations = storage.defineItem<Record<string, string[]>>('session:tabConversations', {
  fallback: {},
});

/** Serialises read-modify-write of the map (deliveries from several tabs arrive together). */
let queue: Promise<unknown> = Promise.resolve();
const serial = <T>(fn: () => Promise<T>): Promise<T> => {
  const next = queue.then(fn, fn);
  queue = next.catch(() => {});
  return next;
};

export function noteTabConversations(tabId: number, conversationIds: readonly string[]): Promise<void> {
  return serial(async () => {
    const map = await tabConversations.getValue();
    const key = String(tabId);
    const known = map[key] ?? [];
    const added = conversationIds.filter((id) => !known.includes(id));
    if (added.length === 0) return;
    map[key] = [...known, ...added].slice(-MAX_PER_TAB);
    await tabConversations.setValue(map);
  });
}

export async function onTabClosed(tabId: number, now = Date.now()): Promise<void> {
  const ids = await serial(async () => {
    const map = await tabConversations.getValue();
    const key = String(tabId);
    const found = map[key];
    if (!found) return [];
    await tabConversations.setValue(Object.fromEntries(Object.entries(map).filter(([k]) => k !== key)));
    return found;
  });
  await recordClosed(getDb(), ids, now);
}

/** Registered synchronously by the composition root. */
export function setupTabSignals(): void {
  browser.tabs.onRemoved.addListener((tabId) => {
    void onTabClosed(tabId).catch(() => {});
  });
}
