import { TokenwiseDB } from '@/utils/db';
import type { SiteFact, UsageFact } from '@/utils/messages';

let n = 0;
/** A fresh, uniquely named database per test (fake-indexeddb). */
export function freshDb(): TokenwiseDB {
  return new TokenwiseDB(`test-${Date.now()}-${n++}`);
}

export const SITE = 'http://127.0.0.1:5566';
export const NOON = new Date(2026, 10, 25, 12, 0, 0).getTime();

export function fact(over: Partial<UsageFact> = {}): UsageFact {
  return {
    key: 'openai-chat:chatcmpl-1',
    format: 'openai-chat',
    transport: 'fetch',
    model: 'demo-gpt-4o',
    inputTokens: 12,
    outputTokens: 30,
    source: 'exact',
    status: 'complete',
    startedAt: NOON,
    durationMs: 420,
    apiOrigin: SITE,
    ...over,
  };
}

export const siteFact = (over: Partial<UsageFact> = {}, site = SITE): SiteFact => ({ site, fact: fact(over) });
