// Loaded as a classic script in the dashboard's <head>: starts the first view's reads (the range in the
// address) before the dashboard's bundle is evaluated (utils/first-read.ts). Plain IndexedDB, no React or Dexie.
import { defineUnlistedScript } from '#imports';
import { startFirstRead } from '@/utils/first-read';
import { overviewPlan, overviewReadKey } from './dashboard/dashboard-data';
import { parseHash } from './dashboard/hash-state';

export default defineUnlistedScript(() => {
  const now = Date.now();
  const range = parseHash(location.hash).range;
  startFirstRead(overviewReadKey(range), overviewPlan(range, now), now);
});
