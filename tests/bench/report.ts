/** The result table (stdout) and its JSON twin (tests/bench/.results/latest.json). */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface Row {
  /** Stable id for the JSON (e.g. "page-overhead"). */
  id: string;
  label: string;
  /** The measured figure in `unit`; null when it could not be measured. */
  value: number | null;
  unit: string;
  /** Human-readable measurement, e.g. "1.02×". */
  shown: string;
  /** Budget: the figure must be ≤ max. Rows without one are informational. */
  budget?: { max: number; shown: string };
  /** Sub-rows (context figures) are printed indented, without a budget. */
  sub?: boolean;
  /** Set when the measurement itself failed. */
  error?: string;
  /** Raw samples and anything else worth keeping in the JSON. */
  details?: Record<string, unknown>;
}

export type Verdict = 'PASS' | 'FAIL' | 'ERROR' | '';

export function verdict(r: Row): Verdict {
  if (r.error !== undefined) return 'ERROR';
  if (!r.budget) return '';
  if (r.value === null || !Number.isFinite(r.value)) return 'ERROR';
  return r.value <= r.budget.max ? 'PASS' : 'FAIL';
}

/** True when any budgeted figure missed its budget or any measurement failed. */
export const anyFailed = (rows: readonly Row[]): boolean =>
  rows.some((r) => verdict(r) === 'FAIL' || verdict(r) === 'ERROR');

export function formatTable(title: string, rows: readonly Row[]): string {
  const W = { label: 46, measured: 22, budget: 12 };
  const pad = (s: string, n: number) => (s.length >= n ? s + ' ' : s.padEnd(n));
  const lines = [title, '', pad('figure', W.label) + pad('measured', W.measured) + pad('budget', W.budget) + 'result'];
  lines.push('-'.repeat(W.label + W.measured + W.budget + 6));
  for (const r of rows) {
    const label = r.sub ? `  ${r.label}` : r.label;
    const shown = r.error !== undefined ? 'n/a' : r.shown;
    const budget = r.budget ? `≤ ${r.budget.shown}` : '';
    lines.push((pad(label, W.label) + pad(shown, W.measured) + pad(budget, W.budget) + verdict(r)).trimEnd());
    if (r.error !== undefined) lines.push(`    error: ${r.error.split('\n')[0]}`);
  }
  return lines.join('\n');
}

export function writeJson(path: string, header: Record<string, unknown>, rows: readonly Row[]): void {
  mkdirSync(dirname(path), { recursive: true });
  const figures = rows.map((r) => ({
    id: r.id,
    label: r.label,
    value: r.value,
    unit: r.unit,
    shown: r.shown,
    budget: r.budget?.max ?? null,
    budgetShown: r.budget ? `≤ ${r.budget.shown}` : null,
    result: verdict(r) || 'info',
    ...(r.error !== undefined ? { error: r.error } : {}),
    ...(r.details ? { details: r.details } : {}),
  }));
  writeFileSync(path, JSON.stringify({ ...header, pass: !anyFailed(rows), figures }, null, 2) + '\n');
}
