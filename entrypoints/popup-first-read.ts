// Loaded as a classic script in the popup's <head>: starts the first view's reads before the popup's bundle
// is evaluated (utils/first-read.ts). Plain IndexedDB, no React or Dexie, a few hundred bytes.
import { defineUnlistedScript } from '#imports';
import { startFirstRead } from '@/utils/first-read';
import { FIRST_WINDOW, popupPlan, popupReadKey } from './popup/read-plan';

export default defineUnlistedScript(() => {
  const now = Date.now();
  startFirstRead(popupReadKey(FIRST_WINDOW), popupPlan(FIRST_WINDOW, now), now);
});
