/**
 * The redacted report "Test this site" copies for a bug report: what was seen and what matched, with
 * no text, no query strings, no headers and no cookies (the events never carried any).
 */
import type { SeenEvent } from './diagnose-messages';

export function buildDiagnoseReport(
  site: string,
  events: readonly SeenEvent[],
  env: { extensionVersion: string; userAgent: string },
): string {
  const lines = [
    `Tokenwise "Test this site" report`,
    `site: ${site}`,
    `extension: ${env.extensionVersion}`,
    `browser: ${env.userAgent}`,
    `responses seen: ${events.length}`,
    '',
  ];
  for (const e of events) {
    const facts = (e.facts ?? [])
      .map(
        (f) => `${f.format} ${f.source} in=${f.inputTokens} out=${f.outputTokens}${f.background ? ' background' : ''}`,
      )
      .join('; ');
    lines.push(
      [e.transport, e.method, e.url, e.contentType || '(no content type)', e.outcome, e.reason ?? '', facts]
        .filter(Boolean)
        .join(' | '),
    );
  }
  return lines.join('\n');
}
