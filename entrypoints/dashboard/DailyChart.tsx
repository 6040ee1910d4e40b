import { Chart } from 'react-chartjs-2';
import type { ChartData, ChartOptions } from 'chart.js';
import '@/utils/chart-setup';
import { formatTokens, formatTokensShort } from '@/utils/format';
import type { DaySeries } from './day-series';
import type { ThemePalette } from '@/components/use-theme-palette';
import { formatDay, formatMonth } from './when';

/** "25 Nov" for days and weeks (the week's Monday), "Nov 2026" for months. */
export function bucketLabel(start: string, bucket: DaySeries['bucket']): string {
  return bucket === 'month' ? formatMonth(start) : formatDay(start);
}

const PER = { day: 'day', week: 'week', month: 'month' } as const;

/**
 * Tokens per day (or week, or month) as stacked bars by provenance — counted exactly apart from estimated —
 * with the tasks completed in the same period as a line on its own axis: spend and work side by side.
 */
export function DailyChart({ series, palette }: { series: DaySeries; palette: ThemePalette }) {
  const bars = (
    [
      ['Exact', series.exact, palette.exact],
      ['Tokenized', series.tokenized, palette.tokenized],
      ['≈ Estimated', series.estimated, palette.estimated],
    ] as const
  )
    // Exact always shows (an empty range still has a legend); the others only when they have anything.
    .filter(([label, data]) => label === 'Exact' || data.some((v) => v > 0))
    .map(([label, data, colour]) => ({
      type: 'bar' as const,
      label,
      data: [...data],
      backgroundColor: colour,
      stack: 'tokens',
      yAxisID: 'y',
      borderRadius: 3,
      order: 2,
    }));
  const hasDone = series.done.some((v) => v > 0);
  const line = hasDone
    ? [
        {
          type: 'line' as const,
          label: 'Tasks done',
          data: series.done,
          yAxisID: 'done',
          borderColor: palette.done,
          backgroundColor: palette.done,
          pointRadius: series.starts.length > 60 ? 0 : 3,
          borderWidth: 2,
          tension: 0.25,
          order: 1, // drawn over the bars
        },
      ]
    : [];
  const data: ChartData<'bar' | 'line', number[], string> = {
    labels: series.starts.map((s) => bucketLabel(s, series.bucket)),
    datasets: [...line, ...bars],
  };
  const options: ChartOptions<'bar' | 'line'> = {
    responsive: true,
    maintainAspectRatio: false,
    animation: false,
    interaction: { mode: 'index', intersect: false },
    plugins: {
      legend: { position: 'bottom', labels: { color: palette.text, boxWidth: 10, boxHeight: 10 } },
      tooltip: {
        callbacks: {
          title: (items) => {
            const s = series.starts[items[0]?.dataIndex ?? 0];
            return s
              ? `${series.bucket === 'day' ? '' : `${PER[series.bucket]} of `}${bucketLabel(s, series.bucket)}`
              : '';
          },
          label: (ctx) =>
            ctx.dataset.yAxisID === 'done'
              ? `${ctx.dataset.label}: ${ctx.parsed.y}`
              : `${ctx.dataset.label}: ${formatTokens(ctx.parsed.y ?? 0)} tokens`,
        },
      },
    },
    scales: {
      x: {
        stacked: true,
        ticks: { color: palette.text, maxRotation: 0, autoSkipPadding: 12 },
        grid: { display: false },
      },
      y: {
        stacked: true,
        beginAtZero: true,
        title: { display: true, text: 'Tokens', color: palette.text },
        ticks: { color: palette.text, callback: (v) => formatTokensShort(Number(v)), maxTicksLimit: 5 },
        grid: { color: palette.grid },
      },
      done: {
        display: hasDone,
        position: 'right',
        beginAtZero: true,
        title: { display: true, text: 'Tasks done', color: palette.text },
        ticks: { color: palette.text, precision: 0, maxTicksLimit: 5 },
        grid: { display: false },
      },
    },
  };
  return (
    <figure className="chart" aria-label={`Tokens and tasks done per ${PER[series.bucket]}`}>
      <div className="chart-canvas chart-canvas-main">
        <Chart type="bar" data={data} options={options} />
      </div>
      {/* The same figures as text, for screen readers. */}
      <figcaption className="sr-only">
        {series.starts
          .map((s, i) => {
            const total = series.exact[i]! + series.tokenized[i]! + series.estimated[i]!;
            return `${bucketLabel(s, series.bucket)}: ${formatTokens(total)} tokens, ${series.done[i]} tasks done`;
          })
          .join('; ')}
      </figcaption>
    </figure>
  );
}
