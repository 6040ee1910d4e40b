/**
 * Gemini adapter: table-driven over tests/fixtures/gemini/ (Google's length-prefixed StreamGenerate frames, shapes
 * from ../shared/docs/ai-sites.md). The reply text is CUMULATIVE: the expected text is the last frame's, and the
 * estimate is the estimator on that text (a parser that summed the frames would give several times more).
 */
import { describe, expect, it } from 'vitest';
import { gemini } from '@/utils/adapters/gemini';
import type { SiteTurn } from '@/utils/adapters/shared';
import { TEXT_CAP } from '@/utils/parsers/common';
import { estimateTokens } from '@/utils/parsers/estimate';
import { fakeContext, matchesTraffic, replyFixtures, runBody, siteFixture } from './site-helpers';

const URL_ =
  'https://gemini.google.com/_/BardChatUi/data/assistant.lamda.BardFrontendService/StreamGenerate?bl=boq_assistant-bard-web-server_20260310.08_p1&f.sid=-4425906129478519273&hl=de&_reqid=2549146&rt=c';

const C = 'c_7e31a9d04b5f2c86';
const LISBON =
  'Gern! Hier sind drei Ideen für ein Wochenende in Lissabon 🇵🇹:\n\n1. **Alfama** zu Fuß erkunden und Fado hören 🎶\n2. **Belém**: Pastéis de Belém probieren\n3. **Sintra**: Tagesausflug zum Palácio da Pena 🏰\n\nViel Spaß! 😊';
const LISBON_PROMPT = 'Plane mir ein Wochenende in Lissabon, drei Ideen bitte.';
const PENA_PROMPT = 'Wann hat der Palácio da Pena geöffnet?';

function meta(requestFile?: string) {
  return {
    url: URL_,
    method: 'POST',
    contentType: 'application/x-www-form-urlencoded;charset=UTF-8',
    requestBody: requestFile ? siteFixture('gemini', requestFile) : undefined,
  };
}

function turn(t: Omit<SiteTurn, 'format' | 'estimatedOutputTokens'>): SiteTurn {
  return {
    format: 'gemini-web',
    estimatedOutputTokens: estimateTokens(t.text),
    estimatedInputTokens: 0,
    contextTokens: 0,
    ...t,
  };
}

type Row = [file: string, request: string | undefined, recognised: boolean, turns: SiteTurn[]];

const lisbon = turn({
  id: `${C}:r_2d94be0c71f3a658:rc_f01a2b3c4d5e6f70`,
  conversationId: C,
  text: LISBON,
  estimatedInputTokens: estimateTokens(LISBON_PROMPT),
  prompt: LISBON_PROMPT,
  aborted: false,
});

const rows: Row[] = [
  ['stream-generate.txt', 'stream-generate.request.txt', true, [lisbon]],
  // the same stream with lengths that count only the JSON (not the newlines): read to the line end, same result
  ['length-json-only.txt', 'stream-generate.request.txt', true, [lisbon]],
  [
    'follow-up.txt',
    'follow-up.request.txt',
    true,
    [
      turn({
        id: `${C}:r_5a0c3e8f1b7d9264:rc_0a9b8c7d6e5f4a3b`,
        conversationId: C,
        text: 'Der Palácio da Pena öffnet täglich von 9:30 bis 18:30 Uhr. Tickets am besten online kaufen — 人気の観光地です。',
        estimatedInputTokens: estimateTokens(PENA_PROMPT),
        prompt: PENA_PROMPT,
        aborted: false,
      }),
    ],
  ],
  [
    // regenerate: a new candidate id, so a new key (counted once more)
    'regenerate.txt',
    'regenerate.request.txt',
    true,
    [
      turn({
        id: `${C}:r_5a0c3e8f1b7d9264:rc_9c8b7a6f5e4d3c2b`,
        conversationId: C,
        text: 'Täglich 9:30–18:30 (letzter Einlass 17:45). 🎟️ Online-Tickets sparen Wartezeit.',
        estimatedInputTokens: estimateTokens(PENA_PROMPT),
        prompt: PENA_PROMPT,
        aborted: false,
      }),
    ],
  ],
  [
    // every frame twice: cumulative text, so nothing doubles
    'duplicate-frames.txt',
    'duplicate-frames.request.txt',
    true,
    [
      turn({
        id: 'c_1b2c3d4e5f607182:r_9f8e7d6c5b4a3928:rc_aa11bb22cc33dd44',
        conversationId: 'c_1b2c3d4e5f607182',
        text: 'Sure, `Array.prototype.flat()` flattens one level by default; pass `Infinity` for all levels.',
        estimatedInputTokens: estimateTokens('How do I flatten a nested array in JS?'),
        prompt: 'How do I flatten a nested array in JS?',
        aborted: false,
      }),
    ],
  ],
  [
    // stopped: no end entry, the last frame cut in half; the last complete frame's text counts, aborted
    'stopped.txt',
    'stopped.request.txt',
    true,
    [
      turn({
        id: 'c_55aa66bb77cc88dd:r_abcdef0123456789:rc_1234abcd5678ef90',
        conversationId: 'c_55aa66bb77cc88dd',
        text: 'Once upon a time, in a village at the edge of the Black Forest,',
        estimatedInputTokens: estimateTokens('Tell me a long fairy tale.'),
        prompt: 'Tell me a long fairy tale.',
        aborted: true,
      }),
    ],
  ],
  // drift: the candidate's text moved; nothing counted, not recognised
  ['changed-shape.txt', undefined, false, []],
];

describe('gemini.createParser', () => {
  it.each(rows)('%s', (file, request, recognised, expected) => {
    const got = runBody(gemini, meta(request), siteFixture('gemini', file));
    expect(got.recognised).toBe(recognised);
    expect(got.turns).toEqual(expected);
  });

  it('counts the last text, never the sum of the cumulative frames', () => {
    const body = siteFixture('gemini', 'stream-generate.txt');
    expect(body.split('Gern! Hier sind').length - 1).toBe(4); // the fixture repeats the reply four times
    const [t] = runBody(gemini, meta(), body).turns;
    expect(t!.estimatedOutputTokens).toBe(estimateTokens(LISBON));
  });

  it('caps a long cumulative reply and extrapolates its estimate (lengths in UTF-16 units, astral emoji included)', () => {
    const frame = (text: string, rc = 'rc_long0000000000') => {
      const inner = JSON.stringify([null, ['c_long', 'r_long'], null, null, [[rc, [text]]]]);
      const json = JSON.stringify([['wrb.fr', null, inner]]);
      return `${json.length + 2}\n${json}\n`;
    };
    const full = 'Ein langer Absatz über Lissabon 🇵🇹 und Fado 🎶. '.repeat(1600); // > 70 000 UTF-16 units
    const body = ")]}'\n\n" + frame(full.slice(0, 30000)) + frame(full) + frame('');
    const end = JSON.stringify([['e', 4, null, null, 1]]);
    const [t, ...rest] = runBody(gemini, meta(), body + `${end.length + 2}\n${end}\n`, {
      how: { seed: 7, max: 999 },
    }).turns;
    expect(rest).toEqual([]);
    // an empty last frame (a reply the site withdrew) does not undo what was generated
    expect(t!.text).toBe(full.slice(0, TEXT_CAP));
    expect(t!.aborted).toBe(false);
    const [u] = runBody(gemini, meta(), ")]}'\n\n" + frame(full.slice(0, 30000)) + frame(full)).turns;
    expect(full.length).toBeGreaterThan(TEXT_CAP);
    expect(u!.text).toBe(full.slice(0, TEXT_CAP));
    expect(u!.estimatedOutputTokens).toBe(Math.round((estimateTokens(u!.text) * full.length) / TEXT_CAP));
    expect(u!.aborted).toBe(true); // no end entry
  });

  describe.each(replyFixtures('gemini'))('chunking: %s', (file) => {
    const body = siteFixture('gemini', file);
    const whole = runBody(gemini, meta(), body);
    it.each([
      ['one character at a time (surrogate pairs split too)', 'char' as const],
      ['random chunks (seed 1)', { seed: 1, max: 5 }],
      ['random chunks (seed 2)', { seed: 2, max: 200 }],
      ['random chunks (seed 3)', { seed: 3, max: 2000 }],
    ])('%s gives the same result as the whole body', (_name, how) => {
      expect(runBody(gemini, meta(), body, { how })).toEqual(whole);
    });
  });
});

describe('gemini conversation context', () => {
  it('the follow-up counts the first turn as input; the conversation id comes from the response', () => {
    const ctx = fakeContext();
    const first = runBody(gemini, meta('stream-generate.request.txt'), siteFixture('gemini', 'stream-generate.txt'), {
      context: ctx,
    }).turns[0]!;
    const firstTurn = estimateTokens(LISBON_PROMPT) + first.estimatedOutputTokens!;
    expect(ctx.added).toEqual([[C, firstTurn]]);
    const next = runBody(gemini, meta('follow-up.request.txt'), siteFixture('gemini', 'follow-up.txt'), {
      context: ctx,
    }).turns[0]!;
    expect(next.estimatedInputTokens).toBe(firstTurn + estimateTokens(PENA_PROMPT));
    expect(next.contextTokens).toBe(firstTurn);
  });

  it('reads the prompt from f.req and ignores a body that is not form-encoded', () => {
    const t = runBody(gemini, { ...meta(), requestBody: '{"prompt":"hi"}' }, siteFixture('gemini', 'follow-up.txt'));
    expect(t.turns[0]!.estimatedInputTokens).toBe(0);
  });
});

describe('gemini.traffic', () => {
  it.each([
    [URL_, true],
    ['https://gemini.google.com/u/1/_/BardChatUi/data/assistant.lamda.BardFrontendService/StreamGenerate?rt=c', true],
    ['https://gemini.google.com/_/BardChatUi/data/batchexecute?rpcids=MaZiqc&rt=c', false], // history, settings
    ['https://gemini.google.com/_/BardChatUi/jserror?script=x', false],
    ['https://gemini.google.com/app/7e31a9d04b5f2c86', false],
    ['https://www.gstatic.com/_/mss/boq-bard-web/_/js/k=boq-bard-web.BardChatUi.de.StreamGenerate.js', false],
  ])('%s → %s', (url, expected) => {
    expect(matchesTraffic(gemini, url)).toBe(expected);
  });
});

describe('gemini never throws', () => {
  it.each([
    ['guard only', ")]}'\n"],
    ['huge length', ')]}\'\n\n99999999999999\n[["wrb.fr",null,"[]"]]\n'],
    ['not JSON', ")]}'\n\n12\nhello world!\n"],
    ['wrb.fr with a non-JSON payload', ')]}\'\n\n30\n[["wrb.fr",null,"not json"]]\n'],
    ['HTML error page', '<html><body>Error 400 (Bad Request)</body></html>'],
  ])('%s: no turns, not recognised', (_name, body) => {
    expect(runBody(gemini, { ...meta(), requestBody: 'f.req=%5Bbroken' }, body)).toEqual({
      turns: [],
      recognised: false,
    });
  });
});
