import { Bar } from 'react-chartjs-2';
import type { ChartData, ChartOptions } from 'chart.js';
import '@/utils/chart-setup';
import { formatTokens, formatTokensShort, formatUsd } from '@/utils/format';
import type { Slice } from './breakdowns';
import type { ThemePalette } from '@/components/use-theme-palette';

/**
 * Horizontal bars, largest first: names stay readable however long (a model id, a host with a port), which
 * a pie's legend does not manage. Each bar keeps what the service reported apart from what was estimated.
 */
export function BreakdownBars({ slices, palette, label }: { slices: Slice[]; palette: ThemePalette; label: string }) {
  const data: ChartData<'bar', number[], string> = {
    labels: slices.map((s) => s.label),
    datasets: [
      {
        label: 'Exact',
        data: slices.map((s) => s.tokens - s.estimated),
        backgroundColor: palette.exact,
        stack: 'tokens',
        borderRadius: 3,
      },
      {
        label: '≈ Estimated',
        data: slices.map((s) => s.estimated),
        backgroundColor: palette.estimated,
        stack: 'tokens',
        borderRadius: 3,
      },
    ],
  };
  const options: ChartOptions<'bar'> = {
    indexAxis: 'y',
    responsive: true,
    maintainAspectRatio: false,
    animation: false,
    plugins: {
      legend: { display: false },
      tooltip: {
        callbacks: {
          label: (ctx) => `${ctx.dataset.label}: ${formatTokens(ctx.parsed.x ?? 0)} tokens`,
          footer: (items) => {
            const s = slices[items[0]?.dataIndex ?? -1];
            if (!s) return '';
            return s.unpricedTokens > 0 && s.costUsd === 0
              ? 'No known price'
              : `${formatUsd(s.costUsd)} API-equivalent${s.unpricedTokens > 0 ? ' (some unpriced)' : ''}`;
          },
        },
      },
    },
    scales: {
      x: {
        stacked: true,
        beginAtZero: true,
        ticks: { color: palette.text, callback: (v) => formatTokensShort(Number(v)), maxTicksLimit: 4 },
        grid: { color: palette.grid },
      },
      y: {
        stacked: true,
        ticks: {
          color: palette.text,
          // Long model ids would squeeze the bars to nothing; the full name is in the tooltip and the list.
          callback(v) {
            const name = this.getLabelForValue(Number(v));
            return name.length > 22 ? `${name.slice(0, 21)}…` : name;
          },
        },
        grid: { display: false },
      },
    },
  };
  return (
    <div className="chart-canvas" style={{ height: `${Math.max(90, slices.length * 30 + 30)}px` }}>
      <Bar data={data} options={options} aria-label={label} role="img" />
    </div>
  );
}
