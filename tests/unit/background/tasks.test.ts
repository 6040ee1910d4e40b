/**
 * Tasks and outcomes in the background: conversations become tasks as their turns arrive, totals always equal
 * the sum of the turns beneath, and every user action (mark, rename, merge, move, start/end) is idempotent.
 */
import { describe, expect, it } from 'vitest';
import { ingestFacts } from '@/entrypoints/background/ingest';
import {
  endTask,
  mergeTasks,
  moveConversation,
  recordClosed,
  recordCopy,
  renameTask,
  setOutcome,
  startTask,
} from '@/entrypoints/background/tasks';
import type { TokenwiseDB } from '@/utils/db';
import type { SiteFact, UsageFact } from '@/utils/messages';
import { freshDb, NOON, SITE, fact } from '../helpers';
import { allTurns, getTurn } from '@/utils/turn-store';
import { allConversations } from '@/utils/conversation-store';
import { allTasks, countTasks, getTask } from '@/utils/task-store';

const chat = (key: string, conv: string, over: Partial<UsageFact> = {}, title?: string): SiteFact => ({
  site: SITE,
  fact: fact({ key: `openai-chat:${key}`, ...over }),
  conv,
  ...(title ? { title } : {}),
});

/** Every task's and conversation's totals equal the sum of their turns. */
async function totalsMatchTurns(db: TokenwiseDB) {
  const turns = await allTurns(db);
  const convs = await allConversations(db);
  const tasks = await allTasks(db);
  const byConv = new Map<string, number>();
  for (const t of turns)
    byConv.set(t.conversationId!, (byConv.get(t.conversationId!) ?? 0) + t.inputTokens + t.outputTokens);
  for (const c of convs) expect(c.inputTokens + c.outputTokens).toBe(byConv.get(c.id) ?? 0);
  for (const task of tasks) {
    const mine = convs.filter((c) => c.taskId === task.id);
    expect(task.inputTokens + task.outputTokens).toBe(mine.reduce((n, c) => n + c.inputTokens + c.outputTokens, 0));
    expect(task.turns).toBe(mine.reduce((n, c) => n + c.turns, 0));
    if (task.kind !== 'manual') expect(task.conversations).toBe(mine.length);
  }
  expect(convs.every((c) => tasks.some((t) => t.id === c.taskId))).toBe(true);
}

describe('conversations become tasks', () => {
  it('turns on one page address form one task, titled by the page', async () => {
    const db = freshDb();
    await ingestFacts(db, [chat('a', 'k1', {}, 'Plan a migration · Acme Assist')]);
    await ingestFacts(db, [chat('b', 'k1', { startedAt: NOON + 60_000 }), chat('c', 'k2')]);
    const tasks = await allTasks(db).then((ts) => ts.sort((a, b) => a.id.localeCompare(b.id)));
    expect(tasks).toHaveLength(2);
    expect(tasks[0]).toMatchObject({
      id: `t|${SITE}|p:k1`,
      kind: 'chat',
      title: 'Plan a migration · Acme Assist',
      titleSource: 'page',
      turns: 2,
      inputTokens: 24,
      outputTokens: 60,
      exactTokens: 84,
      lastAt: NOON + 60_000,
      conversations: 1,
    });
    await totalsMatchTurns(db);
  });

  it('an agent run is its own task, titled by its name, with its status as a signal', async () => {
    const db = freshDb();
    const run = (key: string, status: UsageFact['runStatus'], tokens: number): SiteFact => ({
      site: SITE,
      fact: fact({
        key: `usage-json:${key}`,
        format: 'usage-json',
        runId: 'job-7',
        runName: 'Triage inbox',
        runStatus: status,
        inputTokens: tokens,
        snapshot: true,
      }),
      conv: 'agentpage',
    });
    await ingestFacts(db, [run('job-7', 'running', 100)]);
    await ingestFacts(db, [run('job-7', 'completed', 400)]);
    const [task] = await allTasks(db);
    expect(task).toMatchObject({
      id: `t|${SITE}|run:job-7`,
      kind: 'agent',
      title: 'Triage inbox',
      titleSource: 'run',
      inputTokens: 400,
      signals: { runStatus: 'completed' },
    });
    await totalsMatchTurns(db);
  });

  it('a replayed delivery changes no total; an estimate replaced by exact figures moves the totals with it', async () => {
    const db = freshDb();
    await ingestFacts(db, [chat('a', 'k1', { source: 'estimated', inputTokens: 10, outputTokens: 10 })]);
    await ingestFacts(db, [chat('a', 'k1', { source: 'estimated', inputTokens: 10, outputTokens: 10 })]);
    await ingestFacts(db, [chat('a', 'k1', { source: 'exact', inputTokens: 12, outputTokens: 30 })]);
    const [task] = await allTasks(db);
    expect(task).toMatchObject({ turns: 1, inputTokens: 12, outputTokens: 30, exactTokens: 42 });
    await totalsMatchTurns(db);
  });

  it('a turn that re-sends the same context (regenerate) is counted as a retry; a conversation going on is not', async () => {
    const db = freshDb();
    await ingestFacts(db, [chat('a', 'k1', { inputTokens: 1000 })]);
    await ingestFacts(db, [chat('b', 'k1', { inputTokens: 1500 })]); // the reply and a new prompt were added
    await ingestFacts(db, [chat('c', 'k1', { inputTokens: 1505 })]); // regenerate: the same context again
    await ingestFacts(db, [chat('c', 'k1', { inputTokens: 1505 })]); // replayed: still one retry
    expect(await getTask(db, `t|${SITE}|p:k1`)).toMatchObject({ turns: 3, retryTurns: 1, retryTokens: 1535 });
    expect((await getTurn(db, `${SITE}|openai-chat:c`))!.retry).toBe(true);
  });

  it('prices turns of known models and counts the rest as unpriced, never guessed', async () => {
    const db = freshDb();
    await ingestFacts(db, [
      chat('a', 'k1', { model: 'gpt-4o-mini', inputTokens: 1_000_000, outputTokens: 0 }),
      chat('b', 'k1', { model: 'our-own-llm', inputTokens: 5, outputTokens: 5 }),
    ]);
    const [task] = await allTasks(db);
    expect(task!.costUsd).toBeCloseTo(0.15, 6); // gpt-4o-mini: $0.15 per million input tokens
    expect(task!.unpricedTokens).toBe(10);
    const [day] = await db.daily.toArray();
    expect(day!.costUsd).toBeCloseTo(0.15, 6);
  });
});

describe('what the user does with tasks', () => {
  it('marks an outcome once; marking it again keeps the first time, unmarking clears it', async () => {
    const db = freshDb();
    await ingestFacts(db, [chat('a', 'k1')]);
    const id = `t|${SITE}|p:k1`;
    await setOutcome(db, id, 'done', 'shipped', 1_000);
    await setOutcome(db, id, 'done', undefined, 2_000);
    expect(await getTask(db, id)).toMatchObject({ outcome: 'done', outcomeAt: 1_000, note: 'shipped' });
    await setOutcome(db, id, 'partial', '', 3_000);
    expect(await getTask(db, id)).toMatchObject({ outcome: 'partial', outcomeAt: 3_000 });
    expect((await getTask(db, id))!.note).toBeUndefined();
    await setOutcome(db, id, null, undefined);
    expect((await getTask(db, id))!.outcome).toBeUndefined();
  });

  it('a title the user gave is kept when the page shows another', async () => {
    const db = freshDb();
    await ingestFacts(db, [chat('a', 'k1', {}, 'New chat')]);
    await renameTask(db, `t|${SITE}|p:k1`, '  Q3 budget  ');
    await ingestFacts(db, [chat('b', 'k1', {}, 'Budget numbers')]);
    expect(await getTask(db, `t|${SITE}|p:k1`)).toMatchObject({ title: 'Q3 budget', titleSource: 'user' });
  });

  it('merging two conversations leaves the totals unchanged and one task fewer; merging again changes nothing', async () => {
    const db = freshDb();
    await ingestFacts(db, [chat('a', 'k1'), chat('b', 'k2', { inputTokens: 100 }), chat('c', 'k3')]);
    const before = await allTasks(db);
    const sum = (ts: typeof before) => ts.reduce((n, t) => n + t.inputTokens + t.outputTokens, 0);
    await mergeTasks(db, `t|${SITE}|p:k1`, [`t|${SITE}|p:k2`]);
    const after = await allTasks(db);
    expect(after).toHaveLength(before.length - 1);
    expect(sum(after)).toBe(sum(before));
    expect(await getTask(db, `t|${SITE}|p:k1`)).toMatchObject({ conversations: 2, turns: 2, inputTokens: 112 });
    await expect(mergeTasks(db, `t|${SITE}|p:k1`, [`t|${SITE}|p:k2`])).rejects.toThrow(/no task/);
    expect(await countTasks(db)).toBe(after.length);
    await totalsMatchTurns(db);
    // a later turn of the merged conversation still lands in the merged task
    await ingestFacts(db, [chat('d', 'k2', { startedAt: NOON + 1 })]);
    expect(await getTask(db, `t|${SITE}|p:k1`)).toMatchObject({ turns: 3 });
    await totalsMatchTurns(db);
  });

  it('moves a conversation out into a task of its own and back', async () => {
    const db = freshDb();
    await ingestFacts(db, [chat('a', 'k1'), chat('b', 'k2')]);
    await mergeTasks(db, `t|${SITE}|p:k1`, [`t|${SITE}|p:k2`]);
    const own = await moveConversation(db, `${SITE}|p:k2`);
    expect(own).toBe(`t|${SITE}|p:k2`);
    expect(await countTasks(db)).toBe(2);
    await totalsMatchTurns(db);
    await moveConversation(db, `${SITE}|p:k2`, `t|${SITE}|p:k1`);
    expect(await countTasks(db)).toBe(1);
    await totalsMatchTurns(db);
  });

  it('"I\'m working on": new conversations join the task until it is ended', async () => {
    const db = freshDb();
    await ingestFacts(db, [chat('a', 'k0')]);
    const id = await startTask(db, 'Write the design doc', NOON);
    await ingestFacts(db, [chat('b', 'k1'), chat('c', 'k2')]);
    await ingestFacts(db, [chat('d', 'k0')]); // an older conversation stays where it was
    await endTask(db, NOON + 1);
    await ingestFacts(db, [chat('e', 'k3')]);
    const manual = await getTask(db, id);
    expect(manual).toMatchObject({
      kind: 'manual',
      title: 'Write the design doc',
      conversations: 2,
      turns: 2,
      endedAt: NOON + 1,
    });
    expect(await getTask(db, `t|${SITE}|p:k3`)).toBeDefined();
    expect(await getTask(db, `t|${SITE}|p:k0`)).toMatchObject({ turns: 2 });
    await totalsMatchTurns(db);
  });

  it('copy and tab-closed hints land on the conversation and its task', async () => {
    const db = freshDb();
    await ingestFacts(db, [chat('a', 'k1')]);
    expect(await recordCopy(db, SITE, 'k1')).toBe(true);
    expect(await recordCopy(db, SITE, 'nothing-here')).toBe(false);
    await recordClosed(db, [`${SITE}|p:k1`], 5_000);
    expect((await getTask(db, `t|${SITE}|p:k1`))!.signals).toEqual({ copied: 1, closedAt: 5_000 });
  });
});
