/**
 * validate → dedupe → upsert. The only writer of turns and their daily rollups.
 *
 * Idempotency: a turn's id is `<site>|<fact key>`, and the fact key comes from the response's own id, so a
 * retried delivery, an outbox replay after a worker restart, or the same response seen twice all land on
 * one row. The daily rollup is adjusted by the difference between the old and new row inside the same
 * transaction, so it can never drift from the turns.
 */
import type { SiteFact } from '@/utils/messages';
import type { Conversation, DailyTotal, SiteHealth, SiteQuota, Task, Turn } from '@/utils/records';
import type { TokenwiseDB } from '@/utils/db';
import { dayOf } from '@/utils/day';
import { costOf } from '@/utils/cost';
import {
  applyTurn,
  autoTaskId,
  conversationIdOf,
  isRetry,
  newAutoTask,
  newConversation,
  touch,
} from '@/utils/task-rollups';
import { activeManualTask } from './tasks';
import { bundleGroupOf, TurnWriter } from '@/utils/turn-store';
import { conversationGroupOf, ConversationWriter } from '@/utils/conversation-store';
import { TaskWriter } from '@/utils/task-store';

export interface IngestResult {
  added: number;
  updated: number;
  duplicates: number;
}

/** API-equivalent USD, when the model is one the price table knows; local models (Ollama) cost nothing. */
function costOfFact(fact: SiteFact['fact']): number | undefined {
  if (!fact.model || fact.format === 'ollama') return undefined;
  return costOf({ model: fact.model, inputTokens: fact.inputTokens, outputTokens: fact.outputTokens }, fact.apiOrigin)
    ?.usd;
}

function toTurn({ site, fact, conv }: SiteFact): Turn {
  const day = dayOf(fact.startedAt);
  const costUsd = costOfFact(fact);
  return {
    id: `${site}|${fact.key}`,
    site,
    day,
    at: fact.startedAt,
    format: fact.format,
    transport: fact.transport,
    model: fact.model,
    inputTokens: fact.inputTokens,
    outputTokens: fact.outputTokens,
    source: fact.source,
    status: fact.status,
    durationMs: fact.durationMs,
    firstByteMs: fact.firstByteMs,
    apiOrigin: fact.apiOrigin,
    ...(fact.background ? { background: true } : {}),
    ...(fact.runId ? { runId: fact.runId } : {}),
    ...(fact.runStatus ? { runStatus: fact.runStatus } : {}),
    ...(fact.runName ? { runName: fact.runName } : {}),
    ...(fact.toolCalls ? { toolCalls: fact.toolCalls } : {}),
    conversationId: conversationIdOf(site, { runId: fact.runId, day }, conv),
    ...(costUsd !== undefined ? { costUsd } : {}),
  };
}

/** Nothing a view shows has changed: counts, provenance, completion, and an agent run's status and tools. */
const sameCounts = (a: Turn, b: Turn) =>
  a.inputTokens === b.inputTokens &&
  a.outputTokens === b.outputTokens &&
  a.source === b.source &&
  a.status === b.status &&
  a.runStatus === b.runStatus &&
  a.model === b.model &&
  JSON.stringify(a.toolCalls ?? {}) === JSON.stringify(b.toolCalls ?? {});

/** An exact figure from the service is never replaced by a local estimate of the same call. */
const rank = { exact: 2, tokenized: 1, estimated: 0 } as const;

function emptyTotal(turn: Turn): DailyTotal {
  return {
    id: `${turn.day}|${turn.site}|${turn.source}`,
    day: turn.day,
    site: turn.site,
    source: turn.source,
    inputTokens: 0,
    outputTokens: 0,
    turns: 0,
  };
}

/** Stores facts in one transaction; resolves only after it has committed. */
export async function ingestFacts(
  db: TokenwiseDB,
  facts: readonly SiteFact[],
  now = Date.now(),
): Promise<IngestResult> {
  const result: IngestResult = { added: 0, updated: 0, duplicates: 0 };
  await db.transaction(
    'rw',
    [db.turnBundles, db.daily, db.health, db.conversationBundles, db.taskBundles],
    async () => {
      // Everything these facts can touch is read up front, in a few bulk reads; the loop below then works in
      // memory, synchronously (a long run of awaits with no IndexedDB request between them would lose Dexie's
      // transaction zone), and the touched rows are written back at the end.
      const stored = new TurnWriter(db);
      const incomingTurns = facts.map(toTurn);
      await stored.load(
        incomingTurns.map((t) => t.id),
        incomingTurns.map(bundleGroupOf),
      );
      const before = incomingTurns.map((t) => stored.get(t.id));
      const loaded = await readWhatFactsTouch(db, incomingTurns, before);

      const totals = new Map<string, DailyTotal>();
      const conversations = new Map<string, Conversation>();
      const tasks = new Map<string, Task>();

      const totalFor = (turn: Turn) => {
        const blank = emptyTotal(turn);
        let t = totals.get(blank.id);
        if (!t) {
          t = loaded.totals.get(blank.id) ?? blank;
          totals.set(blank.id, t);
        }
        return t;
      };
      const taskFor = (id: string) => {
        let t = tasks.get(id);
        if (!t) {
          const stored = loaded.tasks.get(id);
          // A copy: the writer still knows which record the stored one is in, should its day move.
          if (stored) tasks.set(id, (t = { ...stored }));
        }
        return t;
      };
      /** The turn's conversation and task, created on first sight (joining the user's current task, if any). */
      const placeOf = (turn: Turn, sf: SiteFact): { c: Conversation; task: Task } => {
        const id = turn.conversationId!;
        let c = conversations.get(id) ?? loaded.conversations.get(id);
        const fresh = !c;
        if (!c) c = newConversation(id, turn, loaded.manual ? loaded.manual.id : autoTaskId(id));
        conversations.set(id, c);
        let task = taskFor(c.taskId);
        if (!task) {
          task = newAutoTask(c);
          tasks.set(task.id, task);
        } else if (fresh) task.conversations++; // joins the user's current task
        // An agent run is named by the run itself (the page shows a console of many runs); a chat by its page.
        const title = turn.runId ? turn.runName : sf.title;
        if (title && title !== c.title) {
          c.title = title;
          // The page names the task until the user does (or the task holds several conversations).
          if (task.titleSource !== 'user' && task.kind !== 'manual' && task.conversations <= 1) {
            task.title = title;
            task.titleSource = turn.runId ? 'run' : 'page';
          }
        }
        return { c, task };
      };

      const apply = (turn: Turn, sign: 1 | -1, sf: SiteFact) => {
        const t = totalFor(turn);
        t.inputTokens += sign * turn.inputTokens;
        t.outputTokens += sign * turn.outputTokens;
        t.turns += sign;
        if (turn.background) {
          t.backgroundTokens = (t.backgroundTokens ?? 0) + sign * (turn.inputTokens + turn.outputTokens);
          t.backgroundTurns = (t.backgroundTurns ?? 0) + sign;
        }
        if (turn.costUsd !== undefined) t.costUsd = Math.max(0, (t.costUsd ?? 0) + sign * turn.costUsd);
        else t.unpricedTokens = (t.unpricedTokens ?? 0) + sign * (turn.inputTokens + turn.outputTokens);
        if (!turn.conversationId) return;
        const { c, task } = placeOf(turn, sf);
        applyTurn(c, turn, sign);
        applyTurn(task, turn, sign);
        if (sign === 1) {
          c.lastAt = Math.max(c.lastAt, turn.at);
          c.firstAt = Math.min(c.firstAt, turn.at);
          touch(task, turn.at);
          if (turn.runStatus) {
            c.signals = { ...c.signals, runStatus: turn.runStatus };
            task.signals = { ...task.signals, runStatus: turn.runStatus };
          }
        }
      };

      /** Flags a new turn that re-sends its conversation's last context (before it is counted in). */
      const markRetry = (turn: Turn, sf: SiteFact) => {
        if (!turn.conversationId || turn.background || turn.runId) return;
        const { c } = placeOf(turn, sf);
        if (isRetry(c, turn)) turn.retry = true;
        c.lastInputTokens = turn.inputTokens;
        c.maxInputTokens = Math.max(c.maxInputTokens ?? 0, turn.inputTokens);
      };

      const sites = new Set<string>();
      /** Per site, the latest quota the facts carry (an outbox replay may deliver an older one after a newer). */
      const quotas = new Map<string, SiteQuota>();
      for (const [i, sf] of facts.entries()) {
        sites.add(sf.site);
        const q = quotaOf(sf);
        if (q && q.at >= (quotas.get(sf.site)?.at ?? -Infinity)) quotas.set(sf.site, q);
        const incoming = incomingTurns[i]!;
        const existing = stored.get(incoming.id);
        if (!existing) {
          markRetry(incoming, sf);
          stored.put(incoming);
          apply(incoming, 1, sf);
          result.added++;
          continue;
        }
        if (sameCounts(existing, incoming) || rank[incoming.source] < rank[existing.source]) {
          result.duplicates++;
          continue;
        }
        // Same call seen again with better or later figures (e.g. an aborted estimate, then the usage):
        // keep the first sighting's time and conversation so the row never moves to another day or task.
        const merged: Turn = {
          ...incoming,
          at: existing.at,
          day: existing.day,
          conversationId: existing.conversationId ?? incoming.conversationId,
          ...(existing.retry ? { retry: true } : {}),
        };
        apply(existing, -1, sf);
        stored.put(merged);
        apply(merged, 1, sf);
        result.updated++;
      }
      await stored.flush();
      await db.daily.bulkPut([...totals.values()]);
      for (const c of conversations.values()) loaded.conversations.put(c);
      await loaded.conversations.flush();
      // A task active again moves to the record of its new day: those are read now, once the days are known.
      await loaded.tasks.load(
        [],
        [...tasks.values()].map((t) => t.day),
      );
      for (const t of tasks.values()) loaded.tasks.put(t);
      await loaded.tasks.flush();
      for (const site of sites) {
        const h = (await db.health.get(site)) ?? blankHealth(site);
        const q = quotas.get(site);
        const newer = q && q.at >= (h.quota?.at ?? -Infinity);
        await db.health.put({ ...h, lastRecognisedAt: now, ...(newer ? { quota: q } : {}) });
      }
    },
  );
  return result;
}

/** The stored rows a batch of facts can touch, read in bulk before the batch is applied. */
interface Touched {
  totals: Map<string, DailyTotal>;
  /** The conversations the facts name, and the bundles new or earlier-starting ones go to. */
  conversations: ConversationWriter;
  /** The tasks of those conversations (and the automatic tasks new ones would get). */
  tasks: TaskWriter;
  /** The user's running manual task, which new conversations join (read only if a conversation is new). */
  manual: Task | undefined;
}

/**
 * Reads the daily rollups, conversations and tasks that applying `incoming` can change: the rollups of each
 * turn's day (before and after a replacement), the conversations named by the new and the stored turns, and the
 * tasks of those conversations (or the automatic task a new conversation would get).
 */
async function readWhatFactsTouch(
  db: TokenwiseDB,
  incoming: readonly Turn[],
  before: readonly (Turn | undefined)[],
): Promise<Touched> {
  const involved = incoming.flatMap((t, i) => {
    const old = before[i];
    return old ? [old, { ...t, day: old.day, conversationId: old.conversationId ?? t.conversationId }] : [t];
  });
  const totalIds = [...new Set(involved.map((t) => emptyTotal(t).id))];
  const convIds = [...new Set(involved.flatMap((t) => (t.conversationId ? [t.conversationId] : [])))];
  const totalRows = await db.daily.bulkGet(totalIds);
  const conversations = new ConversationWriter(db);
  // A conversation starts (or, seen earlier than before, now starts) on the day of one of these turns.
  await conversations.load(
    convIds,
    involved.map((t) => conversationGroupOf({ firstAt: t.at })),
  );
  const manual = convIds.some((id) => !conversations.get(id)) ? await activeManualTask(db) : undefined;
  const taskIds = [...new Set(convIds.map((id) => conversations.get(id)?.taskId ?? manual?.id ?? autoTaskId(id)))];
  const tasks = new TaskWriter(db);
  // Also each conversation's own automatic task: one is made for a conversation whose task no longer exists.
  await tasks.load([...taskIds, ...convIds.map(autoTaskId)]);
  return { totals: byKey(totalRows, (t) => t.id), conversations, tasks, manual };
}

function byKey<T>(rows: readonly (T | undefined)[], key: (row: T) => string): Map<string, T> {
  const m = new Map<string, T>();
  for (const r of rows) if (r) m.set(key(r), r);
  return m;
}

/** The usage-limit windows a fact reports (the site's own figure), stamped with the reply's start. */
function quotaOf({ fact }: SiteFact): SiteQuota | undefined {
  if (!fact.quota?.length) return undefined;
  return { windows: fact.quota.map((w) => ({ ...w })), at: fact.startedAt };
}

export function blankHealth(site: string): SiteHealth {
  return { site, unrecognised: 0, rejected: 0 };
}

/** Adds to a site's "seen but not understood" counters. */
export async function recordHealth(
  db: TokenwiseDB,
  site: string,
  report: { unrecognised: number; rejected: number; lastContentType?: string },
  now = Date.now(),
): Promise<void> {
  if (report.unrecognised === 0 && report.rejected === 0) return;
  await db.transaction('rw', db.health, async () => {
    const h = (await db.health.get(site)) ?? blankHealth(site);
    await db.health.put({
      ...h,
      unrecognised: h.unrecognised + report.unrecognised,
      rejected: h.rejected + report.rejected,
      ...(report.unrecognised > 0 ? { lastUnrecognisedAt: now, lastUnrecognisedType: report.lastContentType } : {}),
    });
  });
}
