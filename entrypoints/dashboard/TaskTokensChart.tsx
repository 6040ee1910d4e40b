import { Line } from 'react-chartjs-2';
import type { ChartData, ChartOptions } from 'chart.js';
import '@/utils/chart-setup';
import { formatTokens, formatTokensShort } from '@/utils/format';
import type { TurnSeries } from './turn-series';
import type { ThemePalette } from '@/components/use-theme-palette';
import { formatDayTime, formatTime, formatTimeSeconds } from './when';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** Running totals of one task: where the spend happened, and how much of it was calls the person never sent. */
export function TaskTokensChart({ series, palette }: { series: TurnSeries; palette: ThemePalette }) {
  const span = (series.at[series.at.length - 1] ?? 0) - (series.at[0] ?? 0);
  const time = span > DAY_MS ? formatDayTime : span < HOUR_MS ? formatTimeSeconds : formatTime;
  const hasHidden = series.hidden.some((v) => v > 0);
  const data: ChartData<'line', number[], string> = {
    labels: series.at.map(time),
    datasets: [
      {
        label: 'Your turns',
        data: series.own,
        borderColor: palette.exact,
        backgroundColor: palette.exact,
        pointRadius: series.at.length > 30 ? 0 : 2,
        borderWidth: 2,
        stepped: true,
      },
      ...(hasHidden
        ? [
            {
              label: 'Hidden calls',
              data: series.hidden,
              borderColor: palette.hidden,
              backgroundColor: palette.hidden,
              borderDash: [4, 3],
              pointRadius: 0,
              borderWidth: 2,
              stepped: true,
            },
          ]
        : []),
    ],
  };
  const options: ChartOptions<'line'> = {
    responsive: true,
    maintainAspectRatio: false,
    animation: false,
    interaction: { mode: 'index', intersect: false },
    plugins: {
      legend: {
        display: hasHidden,
        position: 'bottom',
        labels: { color: palette.text, boxWidth: 10, boxHeight: 10 },
      },
      tooltip: { callbacks: { label: (ctx) => `${ctx.dataset.label}: ${formatTokens(ctx.parsed.y ?? 0)} so far` } },
    },
    scales: {
      x: { ticks: { color: palette.text, maxRotation: 0, autoSkipPadding: 16 }, grid: { display: false } },
      y: {
        beginAtZero: true,
        ticks: { color: palette.text, callback: (v) => formatTokensShort(Number(v)), maxTicksLimit: 4 },
        grid: { color: palette.grid },
      },
    },
  };
  const last = series.at.length - 1;
  return (
    <figure className="chart" aria-label="Tokens of this task over time">
      <div className="chart-canvas chart-canvas-small">
        <Line data={data} options={options} />
      </div>
      <figcaption className="sr-only">
        {last >= 0
          ? `By ${time(series.at[last]!)}: ${formatTokens(series.own[last]!)} tokens in your turns, ${formatTokens(series.hidden[last]!)} in hidden calls.`
          : 'No turns yet.'}
      </figcaption>
    </figure>
  );
}
