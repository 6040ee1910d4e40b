/** Small statistics helpers for the benchmark (medians of noisy samples). */

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function sum(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}

/** Rounds to `digits` decimals (for the JSON output). */
export const round = (x: number, digits = 2): number => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Reads a positive integer from the environment (run counts can be lowered while developing). */
export function envInt(name: string, fallback: number): number {
  const n = Number(process.env[name]);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

/** The q-quantile (0–1) by linear interpolation between order statistics. */
export function quantile(xs: readonly number[], q: number): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const pos = (s.length - 1) * Math.min(1, Math.max(0, q));
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}

/** Mean after dropping the lowest and highest `trim` fraction of the samples (0.2 → 20 % off each end). */
export function trimmedMean(xs: readonly number[], trim = 0.2): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const k = Math.floor(s.length * trim);
  const kept = s.slice(k, s.length - k);
  return sum(kept) / kept.length;
}

/**
 * Distribution-free confidence interval of the median (order statistics, binomial): the interval
 * [x(k), x(n−k+1)] with the largest k whose coverage is still ≥ `level`. With fewer than 6 samples no
 * such interval exists at 95 %: the full range is returned.
 */
export function medianCI(xs: readonly number[], level = 0.95): [number, number] {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  if (n === 0) return [Number.NaN, Number.NaN];
  // P(Binomial(n, 1/2) ≤ j) for j = 0…n
  const cdf: number[] = [];
  let c = 1;
  let acc = 0;
  for (let j = 0; j <= n; j++) {
    if (j > 0) c = (c * (n - j + 1)) / j;
    acc += c / 2 ** n;
    cdf.push(acc);
  }
  let k = 1;
  // coverage of [x(k), x(n-k+1)] = 1 - 2·P(B ≤ k-1)
  while (k + 1 <= n - k && 1 - 2 * cdf[k]! >= level) k++;
  return [s[k - 1]!, s[n - k]!];
}
