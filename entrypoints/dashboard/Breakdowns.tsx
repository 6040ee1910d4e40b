import { useEffect, useMemo, useState } from 'react';
import { useLiveQuery } from 'dexie-react-hooks';
import type { TokenwiseDB } from '@/utils/db';
import type { DailyTotal, Task } from '@/utils/records';
import type { DayRange } from '@/utils/task-metrics';
import { byKind, byModel, bySite, topSlices } from './breakdowns';
import { BreakdownCard } from './BreakdownCard';
import { loadRangeTurns } from './dashboard-data';
import type { ThemePalette } from '@/components/use-theme-palette';

/** Sites and models beyond this many are summed as "others", so the bars stay thick enough to read. */
const TOP = 8;

/** Where the tokens went: by site or tool, by model, by kind of task. */
export function Breakdowns({
  db,
  range,
  daily,
  tasks,
  palette,
}: {
  db: TokenwiseDB;
  range: DayRange;
  daily: readonly DailyTotal[];
  tasks: readonly Task[];
  palette: ThemePalette;
}) {
  const sites = useMemo(() => topSlices(bySite(daily, range), TOP), [daily, range]);
  const kinds = useMemo(() => byKind(tasks, range), [tasks, range]);
  // Models are only on the turns: the one read that grows with every call, so it has its own query, started
  // once the rest of the page has been drawn (its card says "loading" until then).
  const drawn = useAfterFirstPaint();
  const models = useLiveQuery(
    async () => (drawn ? topSlices(byModel(await loadRangeTurns(db, range)), TOP) : undefined),
    [db, drawn, range.from, range.to],
  );
  return (
    <section className="breakdowns" aria-label="Where the tokens went">
      <BreakdownCard title="By site or tool" testId="breakdown-site" slices={sites} palette={palette} />
      <BreakdownCard title="By model" testId="breakdown-model" slices={models} palette={palette} />
      <BreakdownCard title="By kind of task" testId="breakdown-kind" slices={kinds} palette={palette} />
    </section>
  );
}

/** False until the browser has painted the first frame with this component on screen. */
function useAfterFirstPaint(): boolean {
  const [painted, setPainted] = useState(false);
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    // A task queued from inside an animation frame runs after that frame is painted.
    const frame = requestAnimationFrame(() => (timer = setTimeout(() => setPainted(true))));
    return () => {
      cancelAnimationFrame(frame);
      clearTimeout(timer);
    };
  }, []);
  return painted;
}
