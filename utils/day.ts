/** Local-time calendar helpers. Days are `YYYY-MM-DD` in the user's own time zone. */

const pad = (n: number) => String(n).padStart(2, '0');

/** The local calendar day of an instant. */
export function dayOf(at: number | Date): string {
  const d = typeof at === 'number' ? new Date(at) : at;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/**
 * The last `n` local days ending with the day of `now`, oldest first. Steps by calendar date, not by
 * 24 h, so a DST change never skips or repeats a day.
 */
export function lastDays(n: number, now: number | Date = Date.now()): string[] {
  const end = typeof now === 'number' ? new Date(now) : now;
  const days: string[] = [];
  for (let i = n - 1; i >= 0; i--) {
    days.push(dayOf(new Date(end.getFullYear(), end.getMonth(), end.getDate() - i, 12)));
  }
  return days;
}
