/**
 * The Dexie database. Only the background writes; extension pages read (same origin).
 * Every version stays here in order, each with a line saying what changed and why.
 */
import Dexie, { type EntityTable } from 'dexie';
import type { Conversation, DailyTotal, SiteHealth, Task, Turn, TurnText } from './records';
import { groupTurnsIntoTasks } from './upgrades';

export const DB_NAME = 'tokenwise';

export class TokenwiseDB extends Dexie {
  turns!: EntityTable<Turn, 'id'>;
  daily!: EntityTable<DailyTotal, 'id'>;
  health!: EntityTable<SiteHealth, 'site'>;
  conversations!: EntityTable<Conversation, 'id'>;
  tasks!: EntityTable<Task, 'id'>;
  texts!: EntityTable<TurnText, 'id'>;

  constructor(name = DB_NAME) {
    super(name);
    // v1: turns keyed by <site>|<fact key> for idempotent upserts; per-day rollups; per-site health.
    this.version(1).stores({
      turns: 'id, [site+day], day, at',
      daily: 'id, day, site',
      health: 'site',
    });
    // v2: index agent runs by day. Rows without a runId are left out of a compound index, so the popup's
    // "Agent runs" reads only run rows. Index only: no data changes, no upgrade function needed.
    this.version(2).stores({
      turns: 'id, [site+day], day, at, [day+runId]',
    });
    // v3: tasks and outcomes. Conversations (a page address, or an agent run) belong to tasks and carry
    // their own totals; turns point at their conversation. Existing turns are grouped into tasks so no
    // history is left outside them.
    this.version(3)
      .stores({
        turns: 'id, [site+day], day, at, [day+runId], conversationId',
        conversations: 'id, taskId, [site+title], lastAt',
        tasks: 'id, day, lastAt, outcome, kind, [outcome+day]',
      })
      .upgrade(groupTurnsIntoTasks);
    // v4: prompt and reply text, for sites where the person opted in, in a table of its own (by site, so
    // turning a site's text off deletes its texts; by day, for retention). New table: no upgrade function.
    this.version(4).stores({
      texts: 'id, site, day',
    });
  }
}

let instance: TokenwiseDB | undefined;

/** The shared database of this extension context (opened lazily, so importing this module is free). */
export function getDb(): TokenwiseDB {
  instance ??= new TokenwiseDB();
  return instance;
}
