// The dashboard's Chart.js registration. Chart.js lands in one chunk shared with the popup's chart, so the
// dashboard uses exactly the pieces the popup already ships (bars, lines, points, two scales, tooltip,
// legend): a doughnut or area fills here would grow the popup's download too (~13 kB measured).
// Separate from utils/chart-setup.ts so each page owns its list; registering a piece twice is harmless.
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from 'chart.js';

Chart.register(
  BarController,
  BarElement,
  LineController,
  LineElement,
  PointElement,
  CategoryScale,
  LinearScale,
  Tooltip,
  Legend,
);

export { Chart };
