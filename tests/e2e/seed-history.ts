/**
 * A realistic history written straight into the extension's IndexedDB from an extension page (same origin as
 * the worker), once Dexie has created the database: turns over several sites with mixed provenance and
 * formats, some of them agent-run steps, grouped four to a task, with conversations, tasks, outcomes, hints
 * and daily rollups computed from exactly those turns (as ingest keeps them). Used for the benchmark's heavy
 * year (365 days × 200 turns, 18,250 tasks) and for the screenshots (a few weeks, with readable titles).
 */
import type { Page } from 'playwright-core';
import { waitFor } from './harness';

export const SEED_SITES = [
  'https://chat.acme-corp.example',
  'https://assist.example.org',
  'https://llm.internal.example',
  'http://localhost:8080',
];

/** Titles a person's tasks might have; cycled through. */
export const SEED_TITLES = [
  'Draft the Q3 planning memo',
  'Fix flaky checkout test',
  'Summarise customer interviews',
  'Refactor billing webhook handler',
  'Translate release notes to German',
  'Explain the on-call runbook',
  'SQL for churn by cohort',
  'Review vendor contract clauses',
  'Write onboarding checklist',
  'Debug memory leak in worker',
  'Outline conference talk',
  'Migrate cron jobs to queues',
];

export interface SeedOptions {
  days: number;
  perDay: number;
  /** Days per IndexedDB transaction (Chromium slows down badly inside one huge transaction). */
  daysPerTx?: number;
  /** Tasks each day's turns are grouped into (default: four turns to a task). */
  tasksPerDay?: number;
  /** Task titles (the default: none, as when titles are off); cycled through. */
  titles?: string[];
  sites?: string[];
}

export interface SeedResult {
  turns: number;
  dailyRows: number;
  tasks: number;
  ms: number;
  dbVersion: number;
}

/**
 * Opens nothing itself: waits until the extension page `page` (a freshly opened popup) has had Dexie create
 * the database, then seeds it. Seeding earlier would create a database without Dexie's tables.
 */
export async function seedWhenReady(page: Page, opts: SeedOptions): Promise<SeedResult> {
  await page.locator('main[data-ready="true"], main[aria-busy]').first().waitFor();
  const ready = await waitFor(() =>
    page.evaluate(
      () =>
        new Promise<boolean>((r) => {
          const o = indexedDB.open('tokenwise');
          o.onsuccess = () => {
            const ok = o.result.objectStoreNames.contains('taskBundles');
            o.result.close();
            r(ok);
          };
          o.onerror = () => r(false);
        }),
    ),
  );
  if (!ready) throw new Error('the extension never created its database (no taskBundles table)');
  return seedHistory(page, opts);
}

export async function seedHistory(page: Page, opts: SeedOptions): Promise<SeedResult> {
  return page.evaluate(
    async ({ days, perDay, sites, daysPerTx, titles, tasksPerDay }) => {
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
      const outcomes = [
        'done',
        'done',
        'done',
        'done',
        'done',
        'done',
        'done',
        'done',
        'done',
        'partial',
        'partial',
        'abandoned',
        'abandoned',
      ];
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const open = indexedDB.open('tokenwise');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => resolve(open.result);
      });
      try {
        for (const store of ['turnBundles', 'daily', 'conversationBundles', 'taskBundles']) {
          if (!db.objectStoreNames.contains(store)) {
            throw new Error(`Dexie has not created its stores yet (version ${db.version})`);
          }
        }
        const now = new Date();
        const conversationsByDay = new Map<string, Record<string, unknown>[]>();
        const tasksByDay = new Map<string, Record<string, unknown>[]>();
        let n = 0;
        let dailyRows = 0;
        let taskCount = 0;
        type Totals = {
          inputTokens: number;
          outputTokens: number;
          exactTokens: number;
          turns: number;
          backgroundTokens: number;
          backgroundTurns: number;
          costUsd: number;
          unpricedTokens: number;
          retryTurns: number;
          retryTokens: number;
        };
        for (let first = days - 1; first >= 0; first -= daysPerTx) {
          const tx = db.transaction(['turnBundles', 'daily'], 'readwrite', {
            durability: 'relaxed',
          });
          const done = new Promise<void>((resolve, reject) => {
            tx.oncomplete = () => resolve();
            tx.onerror = () => reject(tx.error);
            tx.onabort = () => reject(tx.error ?? new Error('seed transaction aborted'));
          });
          // Turns are stored a day to a record, as utils/turn-store.ts keeps them (makeBundle's shape).
          const bundles = new Map<string, Record<string, unknown>[]>();
          type Total = {
            id: string;
            day: string;
            site: string;
            source: string;
            inputTokens: number;
            outputTokens: number;
            turns: number;
            costUsd: number;
            unpricedTokens: number;
            backgroundTokens: number;
            backgroundTurns: number;
          };
          const totals = new Map<string, Total>();
          const convs = new Map<string, Record<string, unknown> & Totals>();
          for (let k = first; k > first - daysPerTx && k >= 0; k--) {
            // Local midnight k days ago, by calendar date (DST-safe); turns spread over its first 20 hours.
            const midnight = new Date(now.getFullYear(), now.getMonth(), now.getDate() - k).getTime();
            for (let i = 0; i < perDay; i++) {
              // Turns come four to a task; today's last ones are still going on.
              const at = Math.min(
                midnight + Math.floor((i * 20 * 3_600_000) / perDay),
                now.getTime() - (perDay - i) * 1000,
              );
              const site = sites[(Math.floor((i * tasksPerDay) / perDay) + k) % sites.length]!;
              const source = sources[(i * 3 + k) % sources.length]!;
              const format = formats[Math.floor((i * tasksPerDay) / perDay) % formats.length]!;
              const d = new Date(at);
              const day = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
              const inputTokens = 50 + ((i * 37 + k * 11) % 4000);
              const outputTokens = 20 + ((i * 53 + k * 7) % 2500);
              const key = `${format}:seed-${day}-${i}`;
              const taskNo = Math.floor((i * tasksPerDay) / perDay);
              // One task in five is an agent run (its 4 steps are background calls, tool calls by name).
              const isAgent = i % 20 < 4;
              const runId = `run-${day}-${Math.floor(i / 20)}`;
              const runStatus = k === 0 && i >= perDay - 20 ? 'running' : i % 100 < 4 ? 'failed' : 'completed';
              const model = format === 'anthropic-messages' ? 'claude-sonnet-4-5' : 'gpt-4o';
              const priced = i % 9 !== 0; // some turns on a model with no known price
              const costUsd = priced
                ? (inputTokens * (model === 'gpt-4o' ? 2.5 : 3) + outputTokens * (model === 'gpt-4o' ? 10 : 15)) / 1e6
                : undefined;
              const retry = !isAgent && i % 4 === 3 && i % 12 === 3;
              const conversationId = isAgent ? `${site}|run:${runId}` : `${site}|p:seed${day}x${taskNo}`;
              const turn: Record<string, unknown> = {
                id: `${site}|${key}`,
                site,
                day,
                at,
                format,
                transport: transports[(i + k) % transports.length]!,
                model: priced ? model : 'acme-internal-llm',
                inputTokens,
                outputTokens,
                source,
                status: i % 50 === 0 ? 'aborted' : 'complete',
                durationMs: 800 + (i % 40) * 50,
                firstByteMs: 200 + (i % 10) * 30,
                apiOrigin: site,
                conversationId,
              };
              if (costUsd !== undefined) turn.costUsd = costUsd;
              if (retry) turn.retry = true;
              if (isAgent) {
                turn.background = true;
                turn.runId = runId;
                turn.runStatus = runStatus;
                turn.runName = `nightly-agent-${Math.floor(i / 20) % 3}`;
                turn.toolCalls = { search: 1 + (i % 3), read_file: 1 + (i % 5) };
              }
              const bundleKey = `${day}|0000`; // at most 200 turns a day: one record (BUNDLE_ROWS)
              const bundle = bundles.get(bundleKey) ?? bundles.set(bundleKey, []).get(bundleKey)!;
              bundle.push(turn);
              n++;
              const tokens = inputTokens + outputTokens;
              // Rollups as ingest keeps them: one row per day, site and provenance (seed sites are their own).
              const id = `${day}|${site}|${source}`;
              let t = totals.get(id);
              if (!t) {
                t = {
                  id,
                  day,
                  site,
                  source,
                  inputTokens: 0,
                  outputTokens: 0,
                  turns: 0,
                  costUsd: 0,
                  unpricedTokens: 0,
                  backgroundTokens: 0,
                  backgroundTurns: 0,
                };
                totals.set(id, t);
              }
              t.inputTokens += inputTokens;
              t.outputTokens += outputTokens;
              t.turns += 1;
              if (costUsd !== undefined) t.costUsd += costUsd;
              else t.unpricedTokens += tokens;
              if (isAgent) {
                t.backgroundTokens += tokens;
                t.backgroundTurns += 1;
              }
              let c = convs.get(conversationId);
              if (!c) {
                const title = titles.length ? titles[(taskNo + k * 7) % titles.length] : undefined;
                c = {
                  id: conversationId,
                  site,
                  kind: isAgent ? 'agent' : 'chat',
                  taskId: `t|${conversationId}`,
                  firstAt: at,
                  lastAt: at,
                  signals: isAgent ? { runStatus } : (taskNo + k) % 3 === 0 ? { copied: 1 } : {},
                  inputTokens: 0,
                  outputTokens: 0,
                  exactTokens: 0,
                  turns: 0,
                  backgroundTokens: 0,
                  backgroundTurns: 0,
                  costUsd: 0,
                  unpricedTokens: 0,
                  retryTurns: 0,
                  retryTokens: 0,
                  ...(isAgent ? { title: `nightly-agent-${Math.floor(i / 20) % 3}` } : title ? { title } : {}),
                };
                convs.set(conversationId, c);
              }
              c.lastAt = at;
              c.inputTokens += inputTokens;
              c.outputTokens += outputTokens;
              if (source === 'exact') c.exactTokens += tokens;
              c.turns += 1;
              if (isAgent) {
                c.backgroundTokens += tokens;
                c.backgroundTurns += 1;
              }
              if (costUsd !== undefined) c.costUsd += costUsd;
              else c.unpricedTokens += tokens;
              if (retry) {
                c.retryTurns += 1;
                c.retryTokens += tokens;
              }
              (c as Record<string, unknown>).day = day;
              (c as Record<string, unknown>).k = k;
              (c as Record<string, unknown>).taskNo = taskNo;
            }
          }
          const turnBundles = tx.objectStore('turnBundles');
          for (const [key, rows] of bundles) {
            rows.sort((a, b) =>
              (a.id as string) < (b.id as string) ? -1 : (a.id as string) > (b.id as string) ? 1 : 0,
            );
            const conversationIds = [...new Set(rows.map((r) => r.conversationId as string))].sort();
            turnBundles.put({ key, ids: rows.map((r) => r.id), conversationIds, rows });
          }
          const daily = tx.objectStore('daily');
          for (const t of totals.values()) daily.put(t);
          dailyRows += totals.size;
          for (const c of convs.values()) {
            const { day, k, taskNo, ...conversation } = c as Record<string, unknown> &
              Totals & { day: string; k: number; taskNo: number };
            // Conversations are stored a (UTC) start day to a record (utils/conversation-store.ts): a UTC day
            // can straddle two of these transactions, so they are written together at the end.
            const startDay = new Date(conversation.firstAt as number).toISOString().slice(0, 10);
            (conversationsByDay.get(startDay) ?? conversationsByDay.set(startDay, []).get(startDay)!).push(
              conversation,
            );
            const signals = conversation.signals as Record<string, unknown>;
            // Older tasks mostly have an outcome; the last two days' are still waiting for one.
            const open = k <= 1 ? (taskNo + k) % 2 === 0 : (taskNo + k) % 7 === 0;
            const outcome =
              signals.runStatus === 'failed'
                ? 'abandoned'
                : signals.runStatus === 'running' || open
                  ? undefined
                  : outcomes[(taskNo * 5 + k) % outcomes.length];
            // Tasks are stored a day of latest activity to a record (utils/task-store.ts), written at the end.
            (tasksByDay.get(day) ?? tasksByDay.set(day, []).get(day)!).push({
              id: conversation.taskId,
              kind: conversation.kind,
              site: conversation.site,
              ...(conversation.title
                ? { title: conversation.title, titleSource: conversation.kind === 'agent' ? 'run' : 'page' }
                : {}),
              createdAt: conversation.firstAt,
              lastAt: conversation.lastAt,
              day,
              ...(outcome ? { outcome, outcomeAt: (conversation.lastAt as number) + 600_000 } : {}),
              conversations: 1,
              signals,
              inputTokens: conversation.inputTokens,
              outputTokens: conversation.outputTokens,
              exactTokens: conversation.exactTokens,
              turns: conversation.turns,
              backgroundTokens: conversation.backgroundTokens,
              backgroundTurns: conversation.backgroundTurns,
              costUsd: conversation.costUsd,
              unpricedTokens: conversation.unpricedTokens,
              retryTurns: conversation.retryTurns,
              retryTokens: conversation.retryTokens,
            });
            taskCount++;
          }
          tx.commit();
          await done;
        }
        const ctx = db.transaction(['conversationBundles', 'taskBundles'], 'readwrite', { durability: 'relaxed' });
        const written = new Promise<void>((resolve, reject) => {
          ctx.oncomplete = () => resolve();
          ctx.onerror = () => reject(ctx.error);
          ctx.onabort = () => reject(ctx.error ?? new Error('seed transaction aborted'));
        });
        for (const [startDay, rows] of conversationsByDay) {
          // makeBundleOf's shape: rows by id, their ids and task ids indexed (≤ 500 a day here: one record).
          rows.sort((a, b) => ((a.id as string) < (b.id as string) ? -1 : (a.id as string) > (b.id as string) ? 1 : 0));
          const taskIds = [...new Set(rows.map((r) => r.taskId as string))].sort();
          ctx
            .objectStore('conversationBundles')
            .put({ key: `${startDay}|0000`, ids: rows.map((r) => r.id), taskIds, rows });
        }
        for (const [day, rows] of tasksByDay) {
          // makeBundleOf's shape for tasks: rows by id, ids indexed, no manual task running (≤ 500 a day here).
          rows.sort((a, b) => ((a.id as string) < (b.id as string) ? -1 : (a.id as string) > (b.id as string) ? 1 : 0));
          ctx
            .objectStore('taskBundles')
            .put({ key: `${day}|0000`, ids: rows.map((r) => r.id), openManualIds: [], rows });
        }
        ctx.commit();
        await written;
        return { turns: n, dailyRows, tasks: taskCount, ms: performance.now() - t0, dbVersion: db.version };
      } finally {
        db.close();
      }
    },
    {
      days: opts.days,
      perDay: opts.perDay,
      sites: opts.sites ?? SEED_SITES,
      daysPerTx: opts.daysPerTx ?? 5,
      titles: opts.titles ?? [],
      tasksPerDay: opts.tasksPerDay ?? Math.ceil(opts.perDay / 4),
    },
  );
}
