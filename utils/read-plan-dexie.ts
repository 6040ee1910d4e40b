/**
 * A read plan (utils/first-read.ts) read through Dexie: what pages' live queries use, so the rows they read are
 * by construction the ones their <head> script read early, in the same shape.
 */
import type Dexie from 'dexie';
import type { ReadPlan } from './first-read';

export async function readPlanWithDexie(db: Dexie, plan: ReadPlan): Promise<Record<string, unknown[]>> {
  const reads = Object.entries(plan);
  const tables = [...new Set(reads.map(([, r]) => r.table))].map((t) => db.table(t));
  // One explicit read-only transaction: inside useLiveQuery, Dexie's implicit ones go through its query cache,
  // which deep-clones every row it returns (a large share of the first render in a CPU profile). Reads in an
  // explicit transaction come straight from IndexedDB and are still watched for changes.
  const rows = await db.transaction('r', tables, () =>
    Promise.all(
      reads.map(([, r]) => {
        const table = db.table(r.table);
        return r.from !== undefined && r.to !== undefined
          ? table
              .where(r.index ?? ':id')
              .between(r.from, r.to, true, true)
              .toArray()
          : table.toArray();
      }),
    ),
  );
  return Object.fromEntries(reads.map(([key], i) => [key, rows[i]!]));
}
