// Reliability test 13, the migration matrix (read-frog's versioned-example pattern): for every shipped schema
// version k there is a fixture database (tests/fixtures/db/vk.json) in the shape that version stored. Each is
// created as a real IndexedDB (fake-indexeddb) at version k with exactly that version's stores, then opened
// with the current TokenwiseDB: every row is kept, the transforms are exact, and a second open changes nothing.
import { readdirSync, readFileSync } from 'node:fs';
import Dexie from 'dexie';
import { describe, expect, it } from 'vitest';
import { CURRENT_VERSION, declareVersions, TokenwiseDB } from '@/utils/db';
import { ROW_SCHEMAS } from '@/utils/export-format';
import { dayOf } from '@/utils/day';
import { ConversationBundle, TaskBundle, TurnBundle } from '@/utils/records';

interface Fixture {
  version: number;
  tables: Record<string, Array<Record<string, unknown>>>;
}

const DIR = new URL('./../fixtures/db/', import.meta.url);
const fixtureFiles = readdirSync(DIR).filter((f) => /^v\d+\.json$/.test(f));
const FIXTURES: Array<[number, Fixture]> = fixtureFiles
  .map((f) => JSON.parse(readFileSync(new URL(f, DIR), 'utf8')) as Fixture)
  .sort((a, b) => a.version - b.version)
  .map((f) => [f.version, f]);

/** The stores each version has (what its fixture must fill, no more, no less). */
const STORES: Record<number, string[]> = {
  1: ['daily', 'health', 'turns'],
  2: ['daily', 'health', 'turns'],
  3: ['conversations', 'daily', 'health', 'tasks', 'turns'],
  4: ['conversations', 'daily', 'health', 'tasks', 'texts', 'turns'],
  5: ['conversations', 'daily', 'health', 'tasks', 'texts', 'turnBundles', 'turns'],
  6: ['conversations', 'daily', 'health', 'tasks', 'texts', 'turnBundles'],
  7: ['conversationBundles', 'conversations', 'daily', 'health', 'tasks', 'texts', 'turnBundles'],
  8: ['conversationBundles', 'daily', 'health', 'tasks', 'texts', 'turnBundles'],
  9: ['conversationBundles', 'daily', 'health', 'taskBundles', 'tasks', 'texts', 'turnBundles'],
  10: ['conversationBundles', 'daily', 'health', 'taskBundles', 'texts', 'turnBundles'],
  11: ['conversationBundles', 'daily', 'health', 'taskBundles', 'texts', 'turnBundles'],
};

/** A fixture's conversations, wherever its version kept them (rows, or from v7 on bundles). */
const conversationsOf = (tables: Fixture['tables']) =>
  [
    ...((tables.conversations ?? []) as Conversation[]),
    ...((tables.conversationBundles ?? []) as ConversationBundle[]).flatMap((b) => b.rows),
  ] as Conversation[];

/** A fixture's tasks, wherever its version kept them (rows, or from v9 on bundles; v9 has both, the same). */
const tasksOf = (tables: Fixture['tables']) =>
  (tables.taskBundles
    ? (tables.taskBundles as TaskBundle[]).flatMap((b) => b.rows)
    : ((tables.tasks ?? []) as Task[])) as Task[];

/** A fixture's turns, wherever its version kept them (rows, or from v5 on bundles). */
const turnsOf = (f: Fixture) => [
  ...((f.tables.turns ?? []) as Turn[]),
  ...((f.tables.turnBundles ?? []) as TurnBundle[]).flatMap((b) => b.rows),
];

let n = 0;
const uniqueName = (k: number) => `migrate-v${k}-${Date.now()}-${n++}`;

/** Creates the database exactly as release k left it, with the fixture's rows. */
async function createAt(name: string, fixture: Fixture): Promise<void> {
  const old = new Dexie(name);
  declareVersions(old, fixture.version);
  await old.open();
  expect(old.verno).toBe(fixture.version);
  expect(old.tables.map((t) => t.name).sort()).toEqual(Object.keys(fixture.tables).sort());
  for (const [table, rows] of Object.entries(fixture.tables)) await old.table(table).bulkAdd(rows);
  old.close();
}

/** Every row of every table, by table and primary key, and the stores and indexes as IndexedDB holds them. */
async function snapshot(db: Dexie) {
  const idb = db.backendDB();
  const names = [...idb.objectStoreNames].sort();
  const tx = idb.transaction(names, 'readonly');
  const schema = Object.fromEntries(
    names.map((s) => {
      const store = tx.objectStore(s);
      return [s, { keyPath: store.keyPath, indexes: [...store.indexNames].sort() }];
    }),
  );
  const rows: Record<string, unknown[]> = {};
  for (const t of [...db.tables].sort((a, b) => a.name.localeCompare(b.name))) rows[t.name] = await t.toArray();
  return { version: idb.version, schema, rows };
}

const byId = <T extends Record<string, unknown>>(rows: T[], key = 'id') =>
  new Map(rows.map((r) => [r[key] as string, r]));
const tokens = (t: { inputTokens: number; outputTokens: number }) => t.inputTokens + t.outputTokens;
/** Independent of utils/task-rollups.ts: how v3 documents grouping rows from before conversations. */
const expectedConversation = (t: Turn) => (t.runId ? `${t.site}|run:${t.runId}` : `${t.site}|d:${t.day}`);

describe('fixtures', () => {
  it('there is one for every shipped schema version, each with exactly that version’s stores', () => {
    expect(FIXTURES.map(([k]) => k)).toEqual(Array.from({ length: CURRENT_VERSION }, (_, i) => i + 1));
    for (const [k, f] of FIXTURES) expect(Object.keys(f.tables).sort(), `v${k}`).toEqual(STORES[k]);
    for (const [k, f] of FIXTURES) {
      for (const t of turnsOf(f)) {
        // Turns from before v3 never had these; from v3 on, every turn belongs to a conversation.
        if (k < 3) expect(Object.keys(t)).not.toContain('conversationId');
        else expect(t.conversationId, `v${k} ${String(t.id)}`).toEqual(expect.any(String));
      }
    }
  });
});

describe('TokenwiseDB opens every earlier version (reliability test 13)', () => {
  it.each(FIXTURES)('v%i → current: every row kept, transforms exact, second open a no-op', async (k, fixture) => {
    const name = uniqueName(k);
    await createAt(name, fixture);

    const db = new TokenwiseDB(name);
    await db.open();
    const after = await snapshot(db);
    db.close();

    // The stored schema is exactly what a fresh install creates.
    const fresh = new TokenwiseDB(uniqueName(0));
    await fresh.open();
    const blank = await snapshot(fresh);
    fresh.close();
    expect(after.version).toBe(CURRENT_VERSION * 10); // Dexie stores version × 10
    expect(after.schema).toEqual(blank.schema);

    // Rows: the tables that existed are carried over exactly (turns gain their conversation before v3).
    const old = fixture.tables;
    expect(after.rows.daily).toEqual(expect.arrayContaining(old.daily!));
    expect(after.rows.daily).toHaveLength(old.daily!.length);
    expect(after.rows.health).toHaveLength(old.health!.length);
    expect(byId(after.rows.health as SiteHealth[], 'site')).toEqual(byId(old.health! as SiteHealth[], 'site'));
    // Turns are in bundles (v5): each holds exactly its day’s turns of its site, and indexes their ids and
    // conversations.
    expect(after.rows.turns).toBeUndefined();
    const bundles = after.rows.turnBundles as TurnBundle[];
    for (const b of bundles) {
      expect(b.rows.length).toBeGreaterThan(0);
      for (const r of b.rows) expect(`${r.day}|0000`).toBe(b.key); // a few turns a day: one record each
      expect(b.ids).toEqual(b.rows.map((r) => r.id));
      expect(b.conversationIds).toEqual([...new Set(b.rows.map((r) => r.conversationId))].sort());
    }
    const turns = bundles.flatMap((b) => b.rows);
    expect(turns).toHaveLength(turnsOf(fixture).length);
    const before = byId(turnsOf(fixture));
    for (const t of turns) {
      const was = before.get(t.id)!;
      expect(t).toEqual(k < 3 ? { ...was, conversationId: expectedConversation(was) } : was);
    }
    // Conversations are in bundles too (v7): each holds the conversations that started on its (UTC) day.
    expect(after.rows.conversations).toBeUndefined();
    for (const b of after.rows.conversationBundles as ConversationBundle[]) {
      for (const c of b.rows) expect(`${new Date(c.firstAt).toISOString().slice(0, 10)}|0000`).toBe(b.key);
      expect(b.ids).toEqual(b.rows.map((c) => c.id));
      expect(b.taskIds).toEqual([...new Set(b.rows.map((c) => c.taskId))].sort());
    }
    const conversationsAfter = conversationsOf(after.rows as Fixture['tables']);
    if (k >= 3) expect(byId(conversationsAfter)).toEqual(byId(conversationsOf(old)));
    // Tasks are in bundles too (v9): each holds the tasks last active on its (local) day.
    expect(after.rows.tasks).toBeUndefined();
    for (const b of after.rows.taskBundles as TaskBundle[]) {
      for (const t of b.rows) expect(`${t.day}|0000`).toBe(b.key);
      expect(b.ids).toEqual(b.rows.map((t) => t.id));
      expect(b.openManualIds).toEqual(b.rows.filter((t) => t.kind === 'manual' && !t.endedAt).map((t) => t.id));
    }
    const tasksAfter = tasksOf(after.rows as Fixture['tables']);
    if (k >= 3) expect(byId(tasksAfter)).toEqual(byId(tasksOf(old)));
    if (old.texts) expect(byId(after.rows.texts as Array<{ id: string }>)).toEqual(byId(old.texts));
    if (!old.texts) expect(after.rows.texts).toEqual([]);

    // Every row is valid under today's schemas (the same ones import validates with).
    for (const [table, rows] of Object.entries(after.rows)) {
      for (const row of rows) {
        const schema =
          table === 'turnBundles'
            ? TurnBundle
            : table === 'conversationBundles'
              ? ConversationBundle
              : table === 'taskBundles'
                ? TaskBundle
                : ROW_SCHEMAS[table as keyof typeof ROW_SCHEMAS];
        const r = schema.safeParse(row);
        expect(r.success, `${table} ${JSON.stringify(row)}`).toBe(true);
      }
    }

    if (k < 3) {
      // v3 grouped every older turn: one conversation and one automatic task per run or per site-day,
      // holding exactly that group's turns and tokens, unpriced (no price was recorded then).
      const groups = new Map<string, Turn[]>();
      for (const t of turns) groups.set(t.conversationId!, [...(groups.get(t.conversationId!) ?? []), t]);
      const conversations = conversationsAfter;
      const tasks = tasksAfter;
      expect(conversations.map((c) => c.id).sort()).toEqual([...groups.keys()].sort());
      expect(tasks.map((t) => t.id).sort()).toEqual([...groups.keys()].map((id) => `t|${id}`).sort());
      for (const [id, group] of groups) {
        const sum = group.reduce((s, t) => s + tokens(t), 0);
        const c = conversations.find((x) => x.id === id)!;
        const task = tasks.find((x) => x.id === `t|${id}`)!;
        const run = group.find((t) => t.runId);
        expect(c).toMatchObject({ taskId: task.id, kind: run ? 'agent' : 'chat', turns: group.length });
        expect(c.firstAt).toBe(Math.min(...group.map((t) => t.at)));
        expect(c.lastAt).toBe(Math.max(...group.map((t) => t.at)));
        expect(task).toMatchObject({
          kind: c.kind,
          site: group[0]!.site,
          conversations: 1,
          turns: group.length,
          inputTokens: group.reduce((s, t) => s + t.inputTokens, 0),
          outputTokens: group.reduce((s, t) => s + t.outputTokens, 0),
          exactTokens: group.filter((t) => t.source === 'exact').reduce((s, t) => s + tokens(t), 0),
          backgroundTurns: group.filter((t) => t.background).length,
          costUsd: 0,
          unpricedTokens: sum,
          retryTurns: 0,
          createdAt: c.firstAt,
          lastAt: c.lastAt,
          day: dayOf(c.lastAt),
        });
        expect(task.outcome).toBeUndefined();
        // An agent run is titled by its name and carries its latest status.
        const named = group.findLast((t) => t.runName);
        if (named) expect(task).toMatchObject({ title: named.runName, titleSource: 'run' });
        else expect(task.title).toBeUndefined();
        const lastStatus = [...group].sort((a, b) => a.at - b.at).findLast((t) => t.runStatus)?.runStatus;
        expect(task.signals.runStatus).toBe(lastStatus);
      }
    } else {
      expect(conversationsAfter).toHaveLength(conversationsOf(old).length);
      expect(tasksAfter).toHaveLength(tasksOf(old).length);
    }

    // The exact result, reviewed once and kept (tests/fixtures/db/after/): any change to an upgrade shows here.
    await expect(`${JSON.stringify(after, null, 2)}\n`).toMatchFileSnapshot(`../fixtures/db/after/v${k}.json`);

    // A second open upgrades nothing and changes nothing.
    const again = new TokenwiseDB(name);
    await again.open();
    expect(await snapshot(again)).toEqual(after);
    again.close();
  });
});
