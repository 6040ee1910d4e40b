/**
 * Claude adapter: table-driven over tests/fixtures/claude/ (shapes from ../shared/docs/ai-sites.md). Expected texts,
 * ids and quotas are written by hand from the fixture contents; estimates are checked against the estimator run on
 * the expected text (so a reply counted twice, or not at all, fails).
 */
import { describe, expect, it } from 'vitest';
import { claude } from '@/utils/adapters/claude';
import type { SiteTurn } from '@/utils/adapters/shared';
import { TEXT_CAP } from '@/utils/parsers/common';
import { estimateTokens } from '@/utils/parsers/estimate';
import { fakeContext, matchesTraffic, replyFixtures, runBody, siteFixture } from './site-helpers';

const ORG = '4f1c2a7e-9b3d-4e8a-a6f0-2d5c8e1b7a93';
const CONV = 'b8e2d6a1-3c4f-4b7e-9d2a-6f1e8c3b5a07';
const BASE = `https://claude.ai/api/organizations/${ORG}/chat_conversations/${CONV}`;
const COMPLETION = `${BASE}/completion`;
const RETRY = `${BASE}/retry_completion`;

const PROMPT = 'Wie entsteht ein Regenbogen? Bitte kurz, mit Stichpunkten.';
const ATTACHMENT = 'Physik-Notiz: Brechungsindex von Wasser n ≈ 1,33.';
const THINKING =
  'The user asks in German about rainbows. Explain refraction, dispersion, reflection; mention the angle.';
const ANSWER =
  'Kurz gesagt: Ein Regenbogen entsteht, wenn Sonnenlicht in Tropfen gebrochen und reflektiert wird. 🌈\n\n' +
  '- **Brechung**: Licht wird beim Eintritt abgelenkt\n' +
  '- **Dispersion**: jede Farbe anders (rot ≈ 42°, violett ≈ 40°)\n\n' +
  '日本語では「虹」と言います。';
const RETRY_TEXT =
  'Ein Regenbogen ist gebrochenes, gespiegeltes und zerlegtes Sonnenlicht — Wassertropfen wirken wie winzige Prismen. ☀️💧';

function meta(url: string, requestFile?: string) {
  return {
    url,
    method: 'POST',
    contentType: 'text/event-stream; charset=utf-8',
    requestBody: requestFile ? siteFixture('claude', requestFile) : undefined,
  };
}

/** An expected turn: estimates default to the estimator on the expected text, input to nothing known. */
function turn(t: Omit<SiteTurn, 'format' | 'estimatedOutputTokens'> & { estimatedOutputTokens?: number }): SiteTurn {
  return {
    format: 'claude-web',
    estimatedOutputTokens: estimateTokens(t.text),
    estimatedInputTokens: 0,
    contextTokens: 0,
    conversationId: CONV,
    ...t,
  };
}

type Row = [file: string, url: string, request: string | undefined, recognised: boolean, turns: SiteTurn[]];

const rows: Row[] = [
  [
    'completion.sse',
    COMPLETION,
    'completion.request.json',
    true,
    [
      turn({
        id: 'chatcompl_01XkQ7mZ3vN8pR2sT5wY9bLd',
        model: 'claude-sonnet-4-5-20250929',
        // thinking is generated text too: counted as output
        text: THINKING + ANSWER,
        estimatedInputTokens: estimateTokens(PROMPT) + estimateTokens(ATTACHMENT),
        prompt: PROMPT,
        aborted: false,
        quota: [
          { kind: '5h', utilization: 0.18, resetsAt: 1773497400_000 },
          { kind: '7d', utilization: 0.42, resetsAt: 1773934200_000 },
        ],
      }),
    ],
  ],
  [
    // a regeneration is a new message (new id): counted once more; model from the request when the frame has none
    'retry-completion.sse',
    RETRY,
    'retry-completion.request.json',
    true,
    [
      turn({
        id: 'chatcompl_01Hq4tW8cE2nJ6uA1oG3rV7z',
        model: 'claude-opus-4-1-20250805',
        text: RETRY_TEXT,
        aborted: false,
        quota: [
          { kind: '5h', utilization: 0.19, resetsAt: 1773497400_000 },
          { kind: '7d', utilization: 0.43, resetsAt: 1773934200_000 },
        ],
      }),
    ],
  ],
  [
    // message_start twice, pings, message_limit twice (the last wins), message_stop twice: one turn, text once
    'duplicate-frames.sse',
    COMPLETION,
    undefined,
    true,
    [
      turn({
        id: 'chatcompl_01PzD5sK9yB3xF7hL2mQ6wRc',
        model: 'claude-haiku-4-5-20251001',
        text: 'Sure — here is the fixed line:\n\n```ts\nconst total = items.reduce((n, i) => n + i.qty, 0);\n```',
        aborted: false,
        quota: [
          { kind: '5h', utilization: 0.51, resetsAt: 1773497400_000 },
          { kind: '7d', utilization: 0.61, resetsAt: 1773934200_000 },
        ],
      }),
    ],
  ],
  [
    // stop pressed: no message_stop, the last frame cut mid-JSON; what was generated counts, aborted
    'stopped.sse',
    COMPLETION,
    undefined,
    true,
    [
      turn({
        id: 'chatcompl_01Vb8nM2kJ5gC9dT4sX1yE6a',
        model: 'claude-sonnet-4-5-20250929',
        text: 'Here is a long story about a lighthouse keeper named Ingrid. Every night she climbed the 217 steps to light the lamp, and every ',
        aborted: true,
      }),
    ],
  ],
  [
    'error-midstream.sse',
    COMPLETION,
    undefined,
    true,
    [
      turn({
        id: 'chatcompl_01Gx2cV6bN9mK4jH7fD1sA3q',
        model: 'claude-sonnet-4-5-20250929',
        text: 'The three largest moons of Jupiter are Ganymede, Callisto and',
        aborted: true,
      }),
    ],
  ],
  // drift: frames renamed; nothing counted, not recognised
  ['changed-shape.sse', COMPLETION, undefined, false, []],
];

describe('claude.createParser', () => {
  it.each(rows)('%s', (file, url, request, recognised, expected) => {
    const got = runBody(claude, meta(url, request), siteFixture('claude', file));
    expect(got.recognised).toBe(recognised);
    expect(got.turns).toEqual(expected);
  });

  it('caps a long reply and extrapolates its estimate over all of it', () => {
    const { turns } = runBody(claude, meta(COMPLETION), siteFixture('claude', 'long-reply.sse'));
    expect(turns).toHaveLength(1);
    const t = turns[0]!;
    expect(t).toMatchObject({ id: 'chatcompl_01LongReplyAbCdEfGhIjKlMn', model: 'claude-opus-4-1-20250805' });
    expect(t.aborted).toBe(false);
    expect(t.text).toHaveLength(TEXT_CAP);
    expect(t.text.startsWith('Section 0.0: The quick brown fox')).toBe(true);
    // 80 060 characters in the fixture: the estimate covers them all, not just the kept 65 536
    const kept = estimateTokens(t.text);
    expect(t.estimatedOutputTokens).toBe(Math.round((kept * 80060) / TEXT_CAP));
  });

  it('marks a complete stream aborted when the body was cut by the caller', () => {
    const { turns } = runBody(claude, meta(COMPLETION), siteFixture('claude', 'completion.sse'), { aborted: true });
    expect(turns.map((t) => t.aborted)).toEqual([true]);
  });

  describe.each(replyFixtures('claude'))('chunking: %s', (file) => {
    const body = siteFixture('claude', file);
    const whole = runBody(claude, meta(COMPLETION), body);
    it.each([
      ['one character at a time', 'char' as const],
      ['random chunks (seed 1)', { seed: 1, max: 7 }],
      ['random chunks (seed 2)', { seed: 2, max: 300 }],
      ['random chunks (seed 3)', { seed: 3, max: 4096 }],
    ])('%s gives the same result as the whole body', (_name, how) => {
      expect(runBody(claude, meta(COMPLETION), body, { how })).toEqual(whole);
    });
  });
});

describe('claude conversation context', () => {
  it('counts the conversation so far as input, adds a finished turn, and a retry does not grow it', () => {
    const ctx = fakeContext({ [CONV]: 1200 });
    const first = runBody(
      claude,
      meta(COMPLETION, 'completion.request.json'),
      siteFixture('claude', 'completion.sse'),
      {
        context: ctx,
      },
    ).turns[0]!;
    const prompt = estimateTokens(PROMPT) + estimateTokens(ATTACHMENT);
    expect(first.estimatedInputTokens).toBe(1200 + prompt);
    expect(first.contextTokens).toBe(1200);
    expect(ctx.added).toEqual([[CONV, prompt + first.estimatedOutputTokens!]]);

    const retry = runBody(
      claude,
      meta(RETRY, 'retry-completion.request.json'),
      siteFixture('claude', 'retry-completion.sse'),
      { context: ctx },
    ).turns[0]!;
    expect(retry.estimatedInputTokens).toBe(1200 + prompt + first.estimatedOutputTokens!);
    expect(retry.prompt).toBeUndefined(); // a retry re-sends no prompt of its own
    expect(ctx.added).toHaveLength(1); // the regenerated reply replaces the old one in the visible conversation
  });

  it('gives the same key when the same reply is seen twice (replay, second tab)', () => {
    const a = runBody(claude, meta(COMPLETION), siteFixture('claude', 'completion.sse')).turns;
    const b = runBody(claude, meta(COMPLETION), siteFixture('claude', 'completion.sse'), { how: 'char' }).turns;
    expect(a.map((t) => t.id)).toEqual(b.map((t) => t.id));
    const retry = runBody(claude, meta(RETRY), siteFixture('claude', 'retry-completion.sse')).turns;
    expect(retry[0]!.id).not.toBe(a[0]!.id);
  });
});

describe('claude conversation history', () => {
  const HISTORY = `${BASE}?tree=True&rendering_mode=messages&render_all_tools=true`;
  const get = (url: string) => ({ url, method: 'GET', contentType: 'application/json' });
  // the visible branch, leaf to root; the regenerated-away first answer and the tool result are not in it
  const VISIBLE =
    estimateTokens('Was ist ein Regenbogen?\nPhysik-Notiz: n ≈ 1,33.') +
    estimateTokens('Ein optisches Phänomen aus Brechung und Reflexion. 🌈') +
    estimateTokens('Und warum ist er rund?') +
    estimateTokens(
      'Geometry: the 42° cone around the antisolar point.\nWeil alle Tropfen unter ≈42° zum Gegenpunkt der Sonne leuchten: ein Kegel.',
    );

  it('seeds the context of a conversation opened after a reload (visible branch only), yielding no turn', () => {
    const ctx = fakeContext();
    const got = runBody(claude, get(HISTORY), siteFixture('claude', 'history.json'), { context: ctx });
    expect(got).toEqual({ turns: [], recognised: true });
    expect(ctx.added).toEqual([[CONV, VISIBLE]]);
    const next = runBody(claude, meta(COMPLETION, 'completion.request.json'), siteFixture('claude', 'completion.sse'), {
      context: ctx,
    }).turns[0]!;
    expect(next.contextTokens).toBe(VISIBLE);
  });

  it('does not add a history again for a conversation this page already counts', () => {
    const ctx = fakeContext({ [CONV]: 50 });
    runBody(claude, get(HISTORY), siteFixture('claude', 'history.json'), { context: ctx, how: 'char' });
    expect(ctx.added).toEqual([]);
  });

  it.each([
    ['a rename (PUT) of the conversation', { url: BASE, method: 'PUT', contentType: 'application/json' }],
    ['a delete', { url: BASE, method: 'DELETE', contentType: '' }],
  ])('%s: nothing read, and no drift', (_name, m) => {
    expect(runBody(claude, m, '{"uuid":"x","name":"Regenbogen"}')).toEqual({ turns: [], recognised: true });
  });

  it('a history that changed shape is not recognised', () => {
    const ctx = fakeContext();
    const got = runBody(claude, get(HISTORY), '{"uuid":"x","messages":[{"text":"hi"}]}', { context: ctx });
    expect(got).toEqual({ turns: [], recognised: false });
    expect(ctx.added).toEqual([]);
  });
});

describe('claude.traffic', () => {
  it.each([
    [COMPLETION, true],
    [RETRY, true],
    [`${COMPLETION}?rendering_mode=messages`, true],
    [`${BASE}?tree=True&rendering_mode=messages`, true], // the conversation history (seeds the context)
    [`https://claude.ai/api/organizations/${ORG}/usage`, false], // the official quota endpoint
    [`https://claude.ai/api/organizations/${ORG}/chat_conversations`, false],
    [`${BASE}/completion_status`, false],
    ['https://claude.ai/_next/static/chunks/app/completion.js', false],
    ['https://a-cdn.claude.ai/api/organizations/x/chat_conversations/y/completion.png', false],
  ])('%s → %s', (url, expected) => {
    expect(matchesTraffic(claude, url)).toBe(expected);
  });
});

describe('claude never throws', () => {
  it.each([
    ['not SSE', '<!doctype html><html><body>Oops</body></html>'],
    ['hostile JSON', 'data: {"type":"message_start","message":{"id":{"toString":1},"model":[1]}}\n\n'],
    [
      'error only',
      'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n',
    ],
    ['quota only', 'data: {"type":"message_limit","message_limit":{"windows":{"5h":{"utilization":"x"}}}}\n\n'],
  ])('%s: no turns, not recognised', (_name, body) => {
    const got = runBody(claude, { url: COMPLETION, method: 'POST', contentType: '', requestBody: '{bad' }, body);
    expect(got).toEqual({ turns: [], recognised: false });
  });

  it('finish twice gives the turn once', () => {
    const p = claude.createParser(meta(COMPLETION), fakeContext());
    p.push(siteFixture('claude', 'completion.sse'));
    expect(p.finish(false)).toHaveLength(1);
    expect(p.finish(false)).toEqual([]);
  });
});
