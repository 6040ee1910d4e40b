import { Bar } from 'react-chartjs-2';
import type { ChartData, ChartOptions } from 'chart.js';
import '@/utils/chart-setup';
import type { UsageSummary } from '@/utils/metrics';
import { formatTokens, formatTokensShort } from '@/utils/format';

interface Props {
  series: UsageSummary['series'];
  /** Colours come from CSS custom properties so the chart follows the light/dark theme. */
  palette: { exact: string; tokenized: string; estimated: string; text: string; grid: string };
}

const weekday = (day: string) => new Date(`${day}T12:00:00`).toLocaleDateString(undefined, { weekday: 'short' });

/** Daily tokens as stacked bars by provenance: what was counted exactly sits apart from estimates. */
export function UsageChart({ series, palette }: Props) {
  const data: ChartData<'bar'> = {
    labels: series.days.map(weekday),
    datasets: [
      { label: 'Exact', data: series.exact, backgroundColor: palette.exact, stack: 't', borderRadius: 3 },
      { label: 'Tokenized', data: series.tokenized, backgroundColor: palette.tokenized, stack: 't', borderRadius: 3 },
      { label: '≈ Estimated', data: series.estimated, backgroundColor: palette.estimated, stack: 't', borderRadius: 3 },
    ].filter((d) => d.label === 'Exact' || d.data.some((v) => v > 0)),
  };
  const options: ChartOptions<'bar'> = {
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
    },
  };
  const total = series.days.map((_, i) => series.exact[i]! + series.tokenized[i]! + series.estimated[i]!);
  return (
    <figure className="chart" aria-label="Tokens per day, last 7 days">
      <div className="chart-canvas">
        <Bar data={data} options={options} />
      </div>
      {/* The same figures as text, for screen readers. */}
      <figcaption className="sr-only">
        {series.days.map((d, i) => `${d}: ${formatTokens(total[i]!)} tokens`).join('; ')}
      </figcaption>
    </figure>
  );
}
