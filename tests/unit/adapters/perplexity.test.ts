/**
 * Perplexity adapter: table-driven over tests/fixtures/perplexity/ (perplexity_ask SSE, shapes from
 * ../shared/docs/ai-sites.md). The answer grows as incremental chunks with offsets, as cumulative chunk lists, or as
 * JSON-patch diffs: every way must give the text once. Expected texts are written by hand from the fixtures.
 */
import { describe, expect, it } from 'vitest';
import { perplexity } from '@/utils/adapters/perplexity';
import type { SiteTurn } from '@/utils/adapters/shared';
import { estimateTokens } from '@/utils/parsers/estimate';
import { fakeContext, matchesTraffic, replyFixtures, runBody, siteFixture } from './site-helpers';

const ASK = 'https://www.perplexity.ai/rest/sse/perplexity_ask';
const CTX = '9d3b7f1e-5c2a-4e8d-b6f4-1a9c7e3d5b82';
const ZUGSPITZE =
  'Die **Zugspitze** ist mit **2962 m** der höchste Berg Deutschlands [1]. Sie liegt im Wettersteingebirge an der Grenze zu Österreich 🇦🇹🇩🇪.';
const Q1 = 'Wie hoch ist die Zugspitze?';
const Q2 = 'Und wie lange fährt die Seilbahn?';
const SEILBAHN = 'Mit der Seilbahn Zugspitze dauert die Fahrt etwa 10 Minuten.';

function meta(requestFile?: string) {
  return {
    url: ASK,
    method: 'POST',
    contentType: 'text/event-stream',
    requestBody: requestFile ? siteFixture('perplexity', requestFile) : undefined,
  };
}

function turn(t: Omit<SiteTurn, 'format' | 'estimatedOutputTokens'>): SiteTurn {
  return { format: 'perplexity-web', estimatedOutputTokens: estimateTokens(t.text), contextTokens: 0, ...t };
}

type Row = [file: string, request: string | undefined, recognised: boolean, turns: SiteTurn[]];

const rows: Row[] = [
  [
    // incremental chunks with offsets, then a final frame with the whole answer; web results are not counted
    'ask.sse',
    'ask.request.json',
    true,
    [
      turn({
        id: '4e7d1c9a-2b5f-4a8e-9c3d-6f1b8e4a2d70',
        model: 'pplx_pro',
        conversationId: CTX,
        text: ZUGSPITZE,
        estimatedInputTokens: estimateTokens(Q1),
        prompt: Q1,
        aborted: false,
      }),
    ],
  ],
  [
    // chunk lists resent from the start (no offset): cumulative, counted once
    'follow-up-cumulative.sse',
    'follow-up-cumulative.request.json',
    true,
    [
      turn({
        id: '8b2f6d0a-4c8e-4f1b-a3d7-9e5c1b7f3a46',
        model: 'pplx_pro',
        conversationId: CTX,
        text: SEILBAHN,
        estimatedInputTokens: estimateTokens(Q2),
        prompt: Q2,
        aborted: false,
      }),
    ],
  ],
  [
    // every frame twice (same offsets: idempotent), end_of_stream twice
    'duplicate-frames.sse',
    'duplicate-frames.request.json',
    true,
    [
      turn({
        id: 'c5a9e3f7-1d6b-4a2c-8e0f-7b3d9a5c1e64',
        model: 'claude45sonnet',
        conversationId: 'e1f2a3b4-c5d6-4e7f-8a9b-0c1d2e3f4a5b',
        text: '`git rebase -i HEAD~3` opens an editor where you can squash commits.',
        estimatedInputTokens: estimateTokens('How do I squash my last three commits?'),
        prompt: 'How do I squash my last three commits?',
        aborted: false,
      }),
    ],
  ],
  [
    'diff-patches.sse',
    'diff-patches.request.json',
    true,
    [
      turn({
        id: 'd7e8f9a0-b1c2-4d3e-8f4a-5b6c7d8e9f01',
        model: 'pplx_pro',
        conversationId: CTX,
        text: 'Die Therme in Garmisch heißt **Alpspitz-Wellenbad** — ideal nach dem Wandern. ♨️',
        estimatedInputTokens: estimateTokens('Gibt es dort ein Schwimmbad?'),
        prompt: 'Gibt es dort ein Schwimmbad?',
        aborted: false,
      }),
    ],
  ],
  [
    // stopped: no COMPLETED, no end_of_stream, the last frame cut: what arrived counts, aborted
    'stopped.sse',
    'stopped.request.json',
    true,
    [
      turn({
        id: 'f0e1d2c3-b4a5-4968-8776-655443322110',
        model: 'pplx_pro',
        conversationId: 'aa00bb11-cc22-4d33-8e44-ff5566778899',
        text: 'Photosynthesis converts light energy into ',
        estimatedInputTokens: estimateTokens('Explain photosynthesis in detail.'),
        prompt: 'Explain photosynthesis in detail.',
        aborted: true,
      }),
    ],
  ],
  // drift: fields renamed; nothing counted, not recognised
  ['changed-shape.sse', 'ask.request.json', false, []],
];

describe('perplexity.createParser', () => {
  it.each(rows)('%s', (file, request, recognised, expected) => {
    const got = runBody(perplexity, meta(request), siteFixture('perplexity', file));
    expect(got.recognised).toBe(recognised);
    expect(got.turns).toEqual(expected);
  });

  it('takes the requested model when the frames name none', () => {
    const body = siteFixture('perplexity', 'ask.sse').replaceAll('"display_model":"pplx_pro",', '');
    const [t] = runBody(perplexity, meta('ask.request.json'), body).turns;
    expect(t!.model).toBe('pplx_pro');
    expect(t!.text).toBe(ZUGSPITZE);
  });

  describe.each(replyFixtures('perplexity'))('chunking: %s', (file) => {
    const body = siteFixture('perplexity', file);
    const whole = runBody(perplexity, meta(), body);
    it.each([
      ['one character at a time', 'char' as const],
      ['random chunks (seed 1)', { seed: 1, max: 6 }],
      ['random chunks (seed 2)', { seed: 2, max: 250 }],
      ['random chunks (seed 3)', { seed: 3, max: 3000 }],
    ])('%s gives the same result as the whole body', (_name, how) => {
      expect(runBody(perplexity, meta(), body, { how })).toEqual(whole);
    });
  });
});

describe('perplexity conversation context', () => {
  it('a follow-up in the same thread counts the first answer as input', () => {
    const ctx = fakeContext();
    const first = runBody(perplexity, meta('ask.request.json'), siteFixture('perplexity', 'ask.sse'), {
      context: ctx,
    }).turns[0]!;
    const firstTurn = estimateTokens(Q1) + first.estimatedOutputTokens!;
    expect(ctx.added).toEqual([[CTX, firstTurn]]);
    const next = runBody(
      perplexity,
      meta('follow-up-cumulative.request.json'),
      siteFixture('perplexity', 'follow-up-cumulative.sse'),
      { context: ctx },
    ).turns[0]!;
    expect(next.estimatedInputTokens).toBe(firstTurn + estimateTokens(Q2));
    expect(next.contextTokens).toBe(firstTurn);
  });
});

describe('perplexity.traffic', () => {
  it.each([
    [ASK, true],
    [`${ASK}?version=2.18&source=default`, true],
    ['https://www.perplexity.ai/rest/sse/perplexity_ask_reconnect', false],
    ['https://www.perplexity.ai/rest/thread/list_recent?version=2.18', false],
    ['https://www.perplexity.ai/rest/user/settings', false],
    ['https://www.perplexity.ai/cdn-cgi/rum?perplexity_ask', false],
    ['https://www.perplexity.ai/search/wie-hoch-ist-die-zugspitze-Kq8xZ1', false],
  ])('%s → %s', (url, expected) => {
    expect(matchesTraffic(perplexity, url)).toBe(expected);
  });
});

describe('perplexity never throws', () => {
  it.each([
    ['HTML', '<!DOCTYPE html><title>Just a moment...</title>'],
    [
      'hostile blocks',
      'data: {"backend_uuid":"x","blocks":[{"intended_usage":"ask_text","markdown_block":{"chunks":[1,{}],"chunk_starting_offset":-5}}]}\n\n',
    ],
    [
      'hostile patches',
      'data: {"backend_uuid":"x","blocks":[{"intended_usage":"ask_text","diff_block":{"field":"markdown_block","patches":[{"op":"add","path":"/chunks/999999999","value":"x"},{"op":"add","path":"/__proto__/x","value":"y"}]}}]}\n\n',
    ],
    [
      'status only',
      'data: {"backend_uuid":"x","status":"COMPLETED","final":true}\n\nevent: end_of_stream\ndata: {}\n\n',
    ],
  ])('%s: no turns, not recognised', (_name, body) => {
    expect(runBody(perplexity, meta(), body)).toEqual({ turns: [], recognised: false });
  });
});
