import { Chart } from 'react-chartjs-2';
import type { ChartData, ChartOptions } from 'chart.js';
import '@/utils/chart-setup';
import type { UsageSummary } from '@/utils/metrics';
import { formatTokens, formatTokensShort } from '@/utils/format';

interface Props {
  series: UsageSummary['series'];
  /** Tasks completed on each day of `series.days`, drawn as a line on its own axis. */
  completed?: number[];
  /** Colours come from CSS custom properties so the chart follows the light/dark theme. */
  palette: { exact: string; tokenized: string; estimated: string; text: string; grid: string; done?: string };
}

const weekday = (day: string) => new Date(`${day}T12:00:00`).toLocaleDateString(undefined, { weekday: 'short' });

const dayLabel = (day: string, many: boolean) =>
  many ? new Date(`${day}T12:00:00`).toLocaleDateString(undefined, { day: 'numeric', month: 'short' }) : weekday(day);

/**
 * Daily tokens as stacked bars by provenance (what was counted exactly sits apart from estimates), with
 * completed tasks per day as a line on a second axis: spend and work side by side.
 */
export function UsageChart({ series, completed, palette }: Props) {
  const bars = [
    { label: 'Exact', data: series.exact, backgroundColor: palette.exact, stack: 't', borderRadius: 3 },
    { label: 'Tokenized', data: series.tokenized, backgroundColor: palette.tokenized, stack: 't', borderRadius: 3 },
    { label: '≈ Estimated', data: series.estimated, backgroundColor: palette.estimated, stack: 't', borderRadius: 3 },
  ]
    .filter((d) => d.label === 'Exact' || d.data.some((v) => v > 0))
    .map((d) => ({ ...d, type: 'bar' as const, yAxisID: 'y' }));
  const line = completed?.some((v) => v > 0)
    ? [
        {
          type: 'line' as const,
          label: 'Tasks done',
          data: completed,
          yAxisID: 'done',
          borderColor: palette.done ?? palette.text,
          backgroundColor: palette.done ?? palette.text,
          pointRadius: 3,
          borderWidth: 2,
          tension: 0.25,
        },
      ]
    : [];
  const many = series.days.length > 10;
  const data: ChartData<'bar' | 'line', number[], string> = {
    labels: series.days.map((d) => dayLabel(d, many)),
    datasets: [...line, ...bars],
  };
  const options: ChartOptions<'bar' | 'line'> = {
    responsive: true,
    maintainAspectRatio: false,
    animation: false,
    plugins: {
      legend: { position: 'bottom', labels: { color: palette.text, boxWidth: 10, boxHeight: 10, font: { size: 11 } } },
      tooltip: {
        callbacks: {
          label: (ctx) =>
            `${ctx.dataset.label}: ${formatTokens(Number(ctx.raw), ctx.dataset.label?.startsWith('≈'))} tokens`,
        },
      },
    },
    scales: {
      x: { stacked: true, ticks: { color: palette.text }, grid: { display: false } },
      y: {
        stacked: true,
        beginAtZero: true,
        ticks: { color: palette.text, callback: (v) => formatTokensShort(Number(v)), maxTicksLimit: 4 },
        grid: { color: palette.grid },
      },
      done: {
        display: line.length > 0,
        position: 'right',
        beginAtZero: true,
        ticks: { color: palette.text, precision: 0, maxTicksLimit: 4 },
        grid: { display: false },
      },
    },
  };
  const total = series.days.map((_, i) => series.exact[i]! + series.tokenized[i]! + series.estimated[i]!);
  return (
    <figure className="chart" aria-label={`Tokens and tasks done per day, last ${series.days.length} days`}>
      <div className="chart-canvas">
        <Chart type="bar" data={data} options={options} />
      </div>
      {/* The same figures as text, for screen readers. */}
      <figcaption className="sr-only">
        {series.days
          .map(
            (d, i) => `${d}: ${formatTokens(total[i]!)} tokens${completed ? `, ${completed[i] ?? 0} tasks done` : ''}`,
          )
          .join('; ')}
      </figcaption>
    </figure>
  );
}
