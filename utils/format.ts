/** Number formatting shared by the badge, popup and charts. */

/** 950 → "950", 12_345 → "12k", 1_234_567 → "1.2M": at most four characters, for the badge. */
export function formatTokensShort(n: number): string {
  if (n < 1000) return String(Math.round(n));
  if (n < 10_000) return `${(n / 1000).toFixed(1).replace(/\.0$/, '')}k`;
  if (n < 1_000_000) return `${Math.round(n / 1000)}k`;
  if (n < 10_000_000) return `${(n / 1_000_000).toFixed(1).replace(/\.0$/, '')}M`;
  if (n < 1_000_000_000) return `${Math.round(n / 1_000_000)}M`;
  return `${Math.round(n / 1_000_000_000)}B`;
}

/** Full count with thousands separators; estimates carry a leading ≈ so they can't pass for exact. */
export function formatTokens(n: number, estimated = false): string {
  return `${estimated ? '≈' : ''}${Math.round(n).toLocaleString('en-US')}`;
}

/**
 * API-equivalent US dollars: cents for everyday sums (whole dollars from $100, unless `cents`), and
 * "< $0.01" rather than a misleading $0.00.
 */
export function formatUsd(usd: number, opts: { cents?: boolean } = {}): string {
  if (usd > 0 && usd < 0.01) return '< $0.01';
  const digits = opts.cents || usd < 100 ? 2 : 0;
  return new Intl.NumberFormat('en-US', {
    style: 'currency',
    currency: 'USD',
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(usd);
}
