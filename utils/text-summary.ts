/** What is kept of one site's opt-in text: how many texts, and what the redactor took out of them, by kind. */
import type { TokenwiseDB } from './db';

export interface TextSummary {
  texts: number;
  redactions: Record<string, number>;
}

export async function siteTextSummary(db: TokenwiseDB, site: string): Promise<TextSummary> {
  const summary: TextSummary = { texts: 0, redactions: {} };
  await db.texts
    .where('site')
    .equals(site)
    .each((t) => {
      summary.texts++;
      for (const [kind, n] of Object.entries(t.redactions))
        summary.redactions[kind] = (summary.redactions[kind] ?? 0) + n;
    });
  return summary;
}

/** Each redaction kind's count, summed over a site's stored texts. */
export async function siteRedactionTotals(db: TokenwiseDB, site: string): Promise<Record<string, number>> {
  return (await siteTextSummary(db, site)).redactions;
}
