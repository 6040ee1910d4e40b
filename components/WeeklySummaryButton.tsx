import { useState } from 'react';
import { getDb } from '@/utils/db';
import { dayOf } from '@/utils/day';
import { addDays, startOfWeek } from '@/utils/task-metrics';
import {
  dayLabel,
  weekDays,
  weeklyChartFileName,
  weeklyChartSeries,
  weeklySummaryFileName,
  weeklySummaryMarkdown,
  TREND_WEEKS,
} from '@/utils/weekly-summary';
import { asOf as pricesAsOf } from '@/utils/prices.json';
import { tasksInDays } from '@/utils/task-store';

interface Props {
  /** The Monday of the week to summarise; defaults to the current local week when clicked. */
  weekStart?: string;
  className?: string;
}

type Status = { kind: 'idle' } | { kind: 'working' } | { kind: 'done'; text: string } | { kind: 'error'; text: string };

/**
 * Hands a file to the browser's own download handling through a link with `download`: the data never leaves
 * the machine, and no `downloads` permission is needed. The address is revoked a while later rather than at
 * once, because some browsers (Firefox) read it after the click returns.
 */
function saveFile(blob: Blob, name: string) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.rel = 'noopener';
  a.style.display = 'none';
  // Firefox only follows a download link that is in the document.
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** Builds both files first, so the two downloads start together (a popup can close at the first one). */
async function buildFiles(weekStart: string): Promise<{ files: [Blob, string][]; chartError?: string }> {
  const days = weekDays(weekStart);
  const monday = days[0]!;
  const sunday = days[6]!;
  const db = getDb();
  // Tasks by their day records only: this week and the weeks it is compared with, however long the history.
  const [tasks, daily] = await Promise.all([
    tasksInDays(db, addDays(monday, -7 * TREND_WEEKS), sunday),
    db.daily.where('day').between(monday, sunday, true, true).toArray(),
  ]);
  const series = weeklyChartSeries(daily, tasks, monday);
  const chartFile = weeklyChartFileName(monday);
  let png: Blob | undefined;
  let chartError: string | undefined;
  try {
    // Chart.js is large: load it only when a summary is actually made.
    const { weeklyChartPng } = await import('./weekly-chart-png');
    png = await weeklyChartPng(series, `Daily tokens, ${dayLabel(monday)} to ${dayLabel(sunday, true)}`);
  } catch (e) {
    chartError = e instanceof Error ? e.message : String(e);
  }
  const markdown = weeklySummaryMarkdown({
    tasks,
    daily,
    weekStart: monday,
    now: Date.now(),
    pricesAsOf,
    ...(png ? { chartFile } : {}),
  });
  const files: [Blob, string][] = [
    [new Blob([markdown], { type: 'text/markdown;charset=utf-8' }), weeklySummaryFileName(monday)],
  ];
  if (png) files.push([png, chartFile]);
  return { files, chartError };
}

/** "Download this week's summary": a Markdown file and the chart as PNG, saved on the user's own disk. */
export function WeeklySummaryButton({ weekStart, className }: Props) {
  const [status, setStatus] = useState<Status>({ kind: 'idle' });
  const working = status.kind === 'working';
  // A given week is named by its dates; "this week" is only said when it is worked out at click time.
  const label =
    weekStart === undefined
      ? "Download this week's summary"
      : `Download the summary of the week of ${dayLabel(startOfWeek(weekStart))}`;

  async function onClick() {
    setStatus({ kind: 'working' });
    try {
      // The current week is read at click time, so a page left open over Sunday night gets the new week.
      const { files, chartError } = await buildFiles(startOfWeek(weekStart ?? dayOf(Date.now())));
      for (const [blob, name] of files) saveFile(blob, name);
      const saved = files.length === 1 ? 'Saved 1 file' : `Saved ${files.length} files`;
      setStatus({ kind: 'done', text: chartError ? `${saved} (the chart could not be drawn: ${chartError})` : saved });
    } catch (e) {
      setStatus({
        kind: 'error',
        text: `Could not make the summary: ${e instanceof Error ? e.message : String(e)}`,
      });
    }
  }

  return (
    <span className={className}>
      <button type="button" onClick={() => void onClick()} disabled={working} aria-busy={working}>
        {working ? 'Preparing…' : label}
      </button>{' '}
      <span role="status" className={status.kind === 'error' ? 'error' : 'muted'}>
        {status.kind === 'done' || status.kind === 'error' ? status.text : ''}
      </span>
    </span>
  );
}
