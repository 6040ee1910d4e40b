/**
 * The week's chart as a PNG for the weekly summary: daily tokens stacked by provenance (the service's own
 * count apart from estimates) with tasks completed as a line on a second axis, like the popup's chart.
 * Drawn on a canvas that is never attached to the page, then thrown away.
 */
import { Title, type ChartConfiguration, type Plugin } from 'chart.js';
import { Chart } from '@/utils/chart-setup';
import { formatTokensShort } from '@/utils/format';
import type { WeekSeries } from '@/utils/weekly-summary';

// The charts' shared registration, plus the title this picture carries (a saved file has no page heading).
Chart.register(Title);

const WIDTH = 800;
const HEIGHT = 400;

/** The light theme's colours (components/theme.css): a saved file is viewed anywhere, so no dark variant. */
const COLOURS = {
  background: '#ffffff',
  exact: '#3b5bdb',
  estimated: '#c9a227',
  done: '#2f9e44',
  text: '#5f6673',
  grid: 'rgba(0, 0, 0, 0.07)',
};

/** Paints the background first: an unpainted canvas exports as transparent, unreadable on dark viewers. */
const whiteBackground: Plugin<'bar' | 'line'> = {
  id: 'tokenwiseWhiteBackground',
  beforeDraw(chart) {
    const { ctx, width, height } = chart;
    ctx.save();
    ctx.globalCompositeOperation = 'destination-over';
    ctx.fillStyle = COLOURS.background;
    ctx.fillRect(0, 0, width, height);
    ctx.restore();
  },
};

export async function weeklyChartPng(series: WeekSeries, title: string): Promise<Blob> {
  const canvas = document.createElement('canvas');
  canvas.width = WIDTH;
  canvas.height = HEIGHT;
  const config: ChartConfiguration<'bar' | 'line', number[], string> = {
    type: 'bar',
    data: {
      labels: series.labels,
      datasets: [
        {
          type: 'line',
          label: 'Tasks completed',
          data: series.completed,
          yAxisID: 'done',
          borderColor: COLOURS.done,
          backgroundColor: COLOURS.done,
          pointRadius: 4,
          borderWidth: 2,
          tension: 0, // counts of whole tasks: straight segments, no curve suggesting values in between
        },
        {
          type: 'bar',
          label: 'Counted by the service',
          data: series.exact,
          backgroundColor: COLOURS.exact,
          stack: 't',
          yAxisID: 'y',
          borderRadius: 3,
        },
        {
          type: 'bar',
          label: '≈ Estimated',
          data: series.estimated,
          backgroundColor: COLOURS.estimated,
          stack: 't',
          yAxisID: 'y',
          borderRadius: 3,
        },
      ],
    },
    options: {
      // A one-off image: no animation (the PNG would catch the first frame), no resizing to a parent.
      animation: false,
      responsive: false,
      // Sharp on high-density screens and when zoomed, whatever the screen it was made on.
      devicePixelRatio: 2,
      events: [],
      plugins: {
        title: { display: true, text: title, color: '#1b1e24', font: { size: 16, weight: 'bold' } },
        legend: { position: 'bottom', labels: { color: COLOURS.text, boxWidth: 12, boxHeight: 12 } },
      },
      scales: {
        x: { stacked: true, ticks: { color: COLOURS.text }, grid: { display: false } },
        y: {
          stacked: true,
          beginAtZero: true,
          title: { display: true, text: 'Tokens', color: COLOURS.text },
          ticks: { color: COLOURS.text, callback: (v) => formatTokensShort(Number(v)) },
          grid: { color: COLOURS.grid },
        },
        done: {
          position: 'right',
          beginAtZero: true,
          suggestedMax: 4,
          title: { display: true, text: 'Tasks completed', color: COLOURS.text },
          ticks: { color: COLOURS.text, precision: 0 },
          grid: { display: false },
        },
      },
    },
    plugins: [whiteBackground],
  };
  const chart = new Chart(canvas, config);
  try {
    return await new Promise<Blob>((resolve, reject) => {
      canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('The chart could not be saved as PNG'))));
    });
  } finally {
    chart.destroy();
  }
}
