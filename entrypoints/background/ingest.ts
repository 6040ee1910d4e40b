/**
 * validate → dedupe → upsert. The only writer of turns and their daily rollups.
 *
 * Idempotency: a turn's id is `<site>|<fact key>`, and the fact key comes from the response's own id, so a
 * retried delivery, an outbox replay after a worker restart, or the same response seen twice all land on
 * one row. The daily rollup is adjusted by the difference between the old and new row inside the same
 * transaction, so it can never drift from the turns.
 */
import type { SiteFact } from '@/utils/messages';
import type { DailyTotal, SiteHealth, Turn } from '@/utils/records';
import type { TokenwiseDB } from '@/utils/db';
import { dayOf } from '@/utils/day';

export interface IngestResult {
  added: number;
  updated: number;
  duplicates: number;
}

function toTurn({ site, fact }: SiteFact): Turn {
  return {
    id: `${site}|${fact.key}`,
    site,
    day: dayOf(fact.startedAt),
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
  };
}

/** Nothing a view shows has changed: counts, provenance, completion, and an agent run's status and tools. */
const sameCounts = (a: Turn, b: Turn) =>
  a.inputTokens === b.inputTokens &&
  a.outputTokens === b.outputTokens &&
  a.source === b.source &&
  a.status === b.status &&
  a.runStatus === b.runStatus &&
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
  await db.transaction('rw', db.turns, db.daily, db.health, async () => {
    const totals = new Map<string, DailyTotal>();
    const totalFor = async (turn: Turn) => {
      const blank = emptyTotal(turn);
      let t = totals.get(blank.id);
      if (!t) {
        t = (await db.daily.get(blank.id)) ?? blank;
        totals.set(blank.id, t);
      }
      return t;
    };
    const apply = async (turn: Turn, sign: 1 | -1) => {
      const t = await totalFor(turn);
      t.inputTokens += sign * turn.inputTokens;
      t.outputTokens += sign * turn.outputTokens;
      t.turns += sign;
      if (turn.background) {
        t.backgroundTokens = (t.backgroundTokens ?? 0) + sign * (turn.inputTokens + turn.outputTokens);
        t.backgroundTurns = (t.backgroundTurns ?? 0) + sign;
      }
    };

    const sites = new Set<string>();
    for (const sf of facts) {
      sites.add(sf.site);
      const incoming = toTurn(sf);
      const existing = await db.turns.get(incoming.id);
      if (!existing) {
        await db.turns.add(incoming);
        await apply(incoming, 1);
        result.added++;
        continue;
      }
      if (sameCounts(existing, incoming) || rank[incoming.source] < rank[existing.source]) {
        result.duplicates++;
        continue;
      }
      // Same call seen again with better or later figures (e.g. an aborted estimate, then the usage):
      // keep the first sighting's time so the row never moves to another day.
      const merged: Turn = { ...incoming, at: existing.at, day: existing.day };
      await apply(existing, -1);
      await db.turns.put(merged);
      await apply(merged, 1);
      result.updated++;
    }
    await db.daily.bulkPut([...totals.values()]);
    for (const site of sites) {
      const h = (await db.health.get(site)) ?? blankHealth(site);
      await db.health.put({ ...h, lastRecognisedAt: now });
    }
  });
  return result;
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
