import { lazy, Suspense } from 'react';
import type { Slice } from './breakdowns';
import { SliceList } from './SliceList';
import type { ThemePalette } from '@/components/use-theme-palette';

// Chart.js loads after the figures and the table are on screen.
const BreakdownBars = lazy(() => import('./BreakdownBars').then((m) => ({ default: m.BreakdownBars })));

/** One breakdown as bars with its figures listed under them. */
export function BreakdownCard({
  title,
  testId,
  slices,
  palette,
}: {
  title: string;
  testId: string;
  /** Undefined while still being counted. */
  slices: Slice[] | undefined;
  palette: ThemePalette;
}) {
  return (
    <div className="card breakdown" data-testid={testId} aria-busy={slices === undefined}>
      <h2>{title}</h2>
      {slices === undefined ? (
        <p className="empty-note muted">Counting…</p>
      ) : slices.length === 0 ? (
        <p className="empty-note">Nothing in this range.</p>
      ) : (
        <>
          <Suspense fallback={<div className="chart-canvas" aria-hidden="true" style={{ height: 90 }} />}>
            <BreakdownBars slices={slices} palette={palette} label={`Tokens ${title.toLowerCase()}`} />
          </Suspense>
          <SliceList slices={slices} />
        </>
      )}
    </div>
  );
}
