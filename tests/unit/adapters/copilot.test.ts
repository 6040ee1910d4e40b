/**
 * Copilot adapter: table-driven over tests/fixtures/copilot/*.jsonl, recordings of the chat WebSocket (each line
 * `[direction, frame]`; shapes from ../shared/docs/ai-sites.md). Expected texts and ids are written by hand from
 * the recordings; estimates are the estimator on the expected text.
 */
import { describe, expect, it } from 'vitest';
import { copilot } from '@/utils/adapters/copilot';
import type { SiteTurn } from '@/utils/adapters/shared';
import { estimateTokens } from '@/utils/parsers/estimate';
import { fakeContext, matchesTraffic, runSocket, siteFixture } from './site-helpers';

const SOCKET =
  'wss://copilot.microsoft.com/c/api/chat?api-version=2&features=-,ncedge,edgepagecontext&setflight=-,ncedge&ncedge=1';
const CONV = 'Yk3tB8qPzW2nR5vX9mLc';

function turn(t: Omit<SiteTurn, 'format' | 'estimatedOutputTokens' | 'conversationId'>): SiteTurn {
  return {
    format: 'copilot-web',
    estimatedOutputTokens: estimateTokens(t.text),
    contextTokens: 0,
    conversationId: CONV,
    ...t,
  };
}

const HAIKU =
  'Klar! Ein **Haiku** über den Herbst:\n\n> Rote Blätter fall’n —\n> 风が静かに吹く\n> Stille im Garten 🍂';
const MEANING = '“风が静かに吹く” is Chinese and Japanese mixed: “the wind blows quietly”.';
const haikuPrompt = estimateTokens('Schreib ein Haiku über den Herbst.');
const haikuOut = estimateTokens(HAIKU);

type Row = [file: string, recognised: boolean, turns: SiteTurn[]];

const rows: Row[] = [
  [
    // two turns on one socket: the second counts the first as context
    'chat.jsonl',
    true,
    [
      turn({
        id: 'Qz7h2Vx9KpL4mN8bR1cT',
        text: HAIKU,
        estimatedInputTokens: haikuPrompt,
        prompt: 'Schreib ein Haiku über den Herbst.',
        aborted: false,
      }),
      turn({
        id: 'Jd5wE3rY8uI0oP6aS2fG',
        text: MEANING,
        estimatedInputTokens: haikuPrompt + haikuOut + estimateTokens('What does the second line mean?'),
        contextTokens: haikuPrompt + haikuOut,
        prompt: 'What does the second line mean?',
        aborted: false,
      }),
    ],
  ],
  [
    // replaceText replaces the part's text so far; later appends add to the replacement
    'replace-text.jsonl',
    true,
    [
      turn({
        id: 'Xc4vB7nM1qW9eR3tY6uI',
        text: 'Leonardo da Vinci painted the Mona Lisa between about 1503 and 1519. It hangs in the Louvre. 🖼️',
        estimatedInputTokens: estimateTokens('Who painted the Mona Lisa?'),
        prompt: 'Who painted the Mona Lisa?',
        aborted: false,
      }),
    ],
  ],
  [
    // startMessage and done replayed, an echo after done: one turn, text once
    'duplicate-frames.jsonl',
    true,
    [
      turn({
        id: 'Lk9jH8gF7dS6aP5oI4uY',
        text: '2 + 2 = **4**.',
        estimatedInputTokens: estimateTokens('2+2?'),
        prompt: '2+2?',
        aborted: false,
      }),
    ],
  ],
  [
    // the same prompt again: a new message id, counted once more
    'regenerate.jsonl',
    true,
    [
      turn({
        id: 'Rg1nA2bC3dE4fG5hI6jK',
        text: 'How about **Earl Grey**? ☕',
        estimatedInputTokens: estimateTokens('Give me a name for a grey cat.'),
        prompt: 'Give me a name for a grey cat.',
        aborted: false,
      }),
      turn({
        id: 'Rg7lM8nO9pQ0rS1tU2vW',
        text: 'Maybe **Smokey** or **Ash**. 🐈‍⬛',
        estimatedInputTokens:
          2 * estimateTokens('Give me a name for a grey cat.') + estimateTokens('How about **Earl Grey**? ☕'),
        contextTokens: estimateTokens('Give me a name for a grey cat.') + estimateTokens('How about **Earl Grey**? ☕'),
        prompt: 'Give me a name for a grey cat.',
        aborted: false,
      }),
    ],
  ],
  [
    // the socket closed before done: what was generated counts, aborted
    'stopped.jsonl',
    true,
    [
      turn({
        id: 'St0pP3dH4lfW4yX5yZ6a',
        text: 'Quicksort picks a **pivot**, then partitions the array so that',
        estimatedInputTokens: estimateTokens('Explain quicksort step by step.'),
        prompt: 'Explain quicksort step by step.',
        aborted: true,
      }),
    ],
  ],
  [
    'error.jsonl',
    true,
    [
      turn({
        id: 'Er8rO9rE0vT1aB2cD3eF',
        text: 'The page describes ',
        estimatedInputTokens: estimateTokens('Summarise this page.'),
        prompt: 'Summarise this page.',
        aborted: true,
      }),
    ],
  ],
  // drift: events renamed; nothing counted, not recognised
  ['changed-shape.jsonl', false, []],
];

describe('copilot.createSocketParser', () => {
  it.each(rows)('%s', (file, recognised, expected) => {
    const got = runSocket(copilot, SOCKET, siteFixture('copilot', file));
    expect(got.recognised).toBe(recognised);
    expect(got.turns).toEqual(expected);
  });

  it('returns a turn with the frame that ends it (done), not before', () => {
    const rec = siteFixture('copilot', 'chat.jsonl');
    const { perFrame } = runSocket(copilot, SOCKET, rec, { close: false });
    const lines = rec.trim().split('\n');
    const doneAt = lines.flatMap((l, i) => (l.includes('"event":"done"') ? [i] : []));
    expect(perFrame.flatMap((n, i) => (n ? [i] : []))).toEqual(doneAt);
  });

  it('closing after every turn ended adds nothing', () => {
    const p = copilot.createSocketParser!(SOCKET, fakeContext());
    for (const line of siteFixture('copilot', 'duplicate-frames.jsonl').trim().split('\n')) {
      const [dir, frame] = JSON.parse(line) as ['sent' | 'received', unknown];
      p.frame(dir, JSON.stringify(frame));
    }
    expect(p.close()).toEqual([]);
  });

  it('adds each finished turn to its conversation', () => {
    const ctx = fakeContext();
    runSocket(copilot, SOCKET, siteFixture('copilot', 'chat.jsonl'), { context: ctx });
    expect(ctx.added).toEqual([
      [CONV, haikuPrompt + haikuOut],
      [CONV, estimateTokens('What does the second line mean?') + estimateTokens(MEANING)],
    ]);
  });

  it('reads SignalR-style frames (several events split by the record separator)', () => {
    const p = copilot.createSocketParser!(SOCKET, fakeContext());
    p.frame('sent', JSON.stringify({ event: 'send', conversationId: CONV, content: [{ type: 'text', text: 'Hi' }] }));
    const rs = '\u001e';
    const got = p.frame(
      'received',
      [
        { event: 'startMessage', messageId: 'm1' },
        { event: 'appendText', messageId: 'm1', text: 'Hello!' },
        { event: 'done', messageId: 'm1' },
      ]
        .map((o) => JSON.stringify(o) + rs)
        .join(''),
    );
    expect(got.map((t) => [t.id, t.text, t.aborted])).toEqual([['m1', 'Hello!', false]]);
  });

  it('HTTP responses on the chat path are not read (the reply is on the socket)', () => {
    const p = copilot.createParser({ url: SOCKET, method: 'GET', contentType: '' }, fakeContext());
    p.push('{"event":"appendText","text":"x"}');
    expect(p.finish(false)).toEqual([]);
    expect(p.recognised).toBe(false);
  });
});

describe('copilot.traffic', () => {
  it.each([
    [SOCKET, true],
    ['wss://copilot.microsoft.com/c/api/chat?api-version=2', true],
    ['https://copilot.microsoft.com/c/api/conversations', false],
    ['https://copilot.microsoft.com/c/api/chat/history?conversationId=x', false],
    ['https://copilot.microsoft.com/c/api/user?api-version=2', false],
    ['https://copilot.microsoft.com/static/cmc/chat.js', false],
  ])('%s → %s', (url, expected) => {
    expect(matchesTraffic(copilot, url)).toBe(expected);
  });
});

describe('copilot never throws', () => {
  it.each([
    ['binary-looking text', '\u0000\u0001\u0002'],
    ['JSON array', '[1,2,3]'],
    ['hostile fields', '{"event":"appendText","messageId":{"x":1},"text":{"toString":null}}'],
    ['done for an unknown message', '{"event":"done","messageId":"nope"}'],
    ['huge frame', `{"event":"appendText","text":"${'x'.repeat(100)}"`],
  ])('%s', (_name, data) => {
    const p = copilot.createSocketParser!(SOCKET, fakeContext());
    expect(p.frame('received', data)).toEqual([]);
    expect(p.frame('sent', data)).toEqual([]);
    expect(p.close()).toEqual([]);
    expect(p.recognised).toBe(false);
  });
});
