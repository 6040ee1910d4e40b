import { describe, expect, it } from 'vitest';
import { buildDiagnoseReport } from '@/utils/diagnose-report';
import type { SeenEvent } from '@/utils/diagnose-messages';
import { fact } from './helpers';

describe('buildDiagnoseReport', () => {
  it('lists each response with its outcome and counts, and nothing else', () => {
    const events: SeenEvent[] = [
      {
        type: 'seen',
        at: 1_764_000_000_000,
        transport: 'fetch',
        method: 'POST',
        url: 'https://ai.acme.example/v1/chat/completions',
        contentType: 'text/event-stream',
        outcome: 'matched',
        facts: [fact({ inputTokens: 12, outputTokens: 30 })],
      },
      {
        type: 'seen',
        at: 1_764_000_000_500,
        transport: 'fetch',
        method: 'GET',
        url: 'https://ai.acme.example/logo.svg',
        contentType: '',
        outcome: 'skipped',
        reason: 'static asset',
      },
    ];
    const report = buildDiagnoseReport('https://ai.acme.example', events, {
      extensionVersion: '0.1.0',
      userAgent: 'UA',
    });
    expect(report.split('\n').slice(-2)).toEqual([
      'fetch | POST | https://ai.acme.example/v1/chat/completions | text/event-stream | matched | openai-chat exact in=12 out=30',
      'fetch | GET | https://ai.acme.example/logo.svg | (no content type) | skipped | static asset',
    ]);
    expect(report).toContain('responses seen: 2');
  });
});
