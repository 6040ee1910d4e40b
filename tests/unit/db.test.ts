import Dexie from 'dexie';
import { describe, expect, it } from 'vitest';
import { TokenwiseDB } from '@/utils/db';
import { SITE } from './helpers';
import { countTurns, getTurn, turnsInDays } from '@/utils/turn-store';
import { countConversations } from '@/utils/conversation-store';
import { allTasks } from '@/utils/task-store';

const turn = (id: string, runId?: string) => ({
  id,
  site: SITE,
  day: '2026-11-25',
  at: 1,
  format: 'openai-chat',
  transport: 'fetch',
  inputTokens: 1,
  outputTokens: 2,
  source: 'exact',
  status: 'complete',
  apiOrigin: SITE,
  ...(runId ? { runId } : {}),
});

describe('TokenwiseDB upgrades', () => {
  it('opens a version-1 database with every row intact and the v2 run index built', async () => {
    const name = `upgrade-${Math.random()}`;
    const v1 = new Dexie(name);
    v1.version(1).stores({ turns: 'id, [site+day], day, at', daily: 'id, day, site', health: 'site' });
    await v1.table('turns').bulkAdd([turn('a'), turn('b', 'job_1'), turn('c', 'job_2')]);
    await v1
      .table('daily')
      .add({ id: 'd', day: '2026-11-25', site: SITE, source: 'exact', inputTokens: 3, outputTokens: 6, turns: 3 });
    v1.close();

    const db = new TokenwiseDB(name);
    expect(await countTurns(db)).toBe(3);
    expect(await db.daily.count()).toBe(1);
    const runs = (await turnsInDays(db, '2026-11-25', '2026-11-25')).filter((r) => r.runId !== undefined);
    expect(runs.map((r) => r.runId).sort()).toEqual(['job_1', 'job_2']);
    db.close();
    // A second open is a no-op.
    const again = new TokenwiseDB(name);
    expect(await countTurns(again)).toBe(3);
    again.close();
  });

  it('v3 groups every older turn into a conversation and a task: runs by run, chat by site and day', async () => {
    const name = `upgrade-${Math.random()}`;
    const v2 = new Dexie(name);
    v2.version(1).stores({ turns: 'id, [site+day], day, at', daily: 'id, day, site', health: 'site' });
    v2.version(2).stores({ turns: 'id, [site+day], day, at, [day+runId]' });
    await v2
      .table('turns')
      .bulkAdd([turn('a'), turn('b'), { ...turn('c', 'job_1'), runName: 'Nightly sync', runStatus: 'completed' }]);
    v2.close();

    const db = new TokenwiseDB(name);
    expect(await countTurns(db)).toBe(3);
    const tasks = await allTasks(db).then((ts) => ts.sort((a, b) => a.id.localeCompare(b.id)));
    expect(tasks.map((t) => [t.id, t.kind, t.turns, t.inputTokens + t.outputTokens, t.unpricedTokens])).toEqual([
      [`t|${SITE}|d:2026-11-25`, 'chat', 2, 6, 6],
      [`t|${SITE}|run:job_1`, 'agent', 1, 3, 3],
    ]);
    expect(tasks[1]).toMatchObject({ title: 'Nightly sync', signals: { runStatus: 'completed' } });
    expect((await getTurn(db, 'a'))!.conversationId).toBe(`${SITE}|d:2026-11-25`);
    expect(await countConversations(db)).toBe(2);
    db.close();
  });
});
