/**
 * The popup's live queries: Dexie and its React hook, loaded (lazily, by App) only once the first frame is on
 * screen. The first frame is drawn from the rows the <head> script read with plain IndexedDB
 * (utils/first-read.ts), so evaluating the database library no longer stands between opening the popup and
 * seeing its figures; from then on these queries keep the popup current as the background writes.
 */
import { useLiveQuery } from 'dexie-react-hooks';
import { useEffect } from 'react';
import { getDb } from '@/utils/db';
import { dayOf, lastDays } from '@/utils/day';
import { readPlanWithDexie } from '@/utils/read-plan-dexie';
import { summariseRuns, type RunSummary } from '@/utils/metrics';
import { addDays, startOfWeek, trendAgainstOwnPast, weeklyTokensPerDone, type WindowKind } from '@/utils/task-metrics';
import { tasksInDays } from '@/utils/task-store';
import { turnsInDays } from '@/utils/turn-store';
import { popupData, popupPlan, TREND_WEEKS, type PopupData } from './read-plan';

/** What the live queries have read so far (undefined: not yet). */
export interface LiveResults {
  data?: PopupData;
  trend?: number | null;
  runs?: RunSummary[];
}

/** The popup's first view through Dexie: the same plan as the head script's early read. */
async function loadPopupData(win: WindowKind): Promise<PopupData> {
  const now = Date.now();
  return popupData(await readPlanWithDexie(getDb(), popupPlan(win, now)), now, win);
}

/** This week's agent runs with their tool calls. */
async function loadRuns(): Promise<RunSummary[]> {
  const week = lastDays(7);
  // A week of turns: summariseRuns keeps the agent runs' steps.
  return summariseRuns(await turnsInDays(getDb(), week[0]!, week[6]!));
}

/** The person's own past weeks, for the trend: completed tasks only. */
async function loadTrend(): Promise<number | null> {
  const now = Date.now();
  const today = dayOf(now);
  const from = addDays(startOfWeek(today), -7 * (TREND_WEEKS - 1));
  const done = (await tasksInDays(getDb(), from, today)).filter((t) => t.outcome === 'done');
  return trendAgainstOwnPast(weeklyTokensPerDone(done, TREND_WEEKS, now));
}

/**
 * Renders nothing; reports what its queries read. `shown`: the figures are on screen, so the trend and the
 * week's agent runs may be read (read together with the figures, they competed with them for the database and
 * the main thread). A query's error is thrown while rendering, as useLiveQuery does, for DbStatusBoundary.
 */
export function LiveData({
  win,
  shown,
  onChange,
}: {
  win: WindowKind;
  shown: boolean;
  onChange: (results: LiveResults) => void;
}) {
  const data = useLiveQuery(() => loadPopupData(win), [win]);
  const trend = useLiveQuery(() => (shown ? loadTrend() : undefined), [shown]);
  const runs = useLiveQuery(() => (shown ? loadRuns() : undefined), [shown]);
  useEffect(() => onChange({ data, trend, runs }), [data, trend, runs, onChange]);
  return null;
}
