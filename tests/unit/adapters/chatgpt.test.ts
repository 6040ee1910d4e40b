// ChatGPT's adapter against recorded-shape fixtures (tests/fixtures/chatgpt/, written from the public
// descriptions in ../shared/docs/ai-sites.md): table-driven, with the gotchas that must not double count.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { chatgpt, createDeltaState, readChatgptRequest } from '@/utils/adapters/chatgpt';
import { createConversationContext } from '@/utils/capture/adapters';
import type { ConversationContext } from '@/utils/adapters/types';
import type { ParsedTurn } from '@/utils/parsers/types';
import { estimateTokens } from '@/utils/parsers/estimate';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/chatgpt/${name}`, import.meta.url), 'utf8');
const URL_SEND = 'https://chatgpt.com/backend-api/f/conversation';

/** Feeds a body in small chunks (frames split anywhere), as a stream arrives. */
function run(
  body: string,
  opts: { request?: string; context?: ConversationContext; aborted?: boolean; chunk?: number } = {},
): { turns: ParsedTurn[]; recognised: boolean } {
  const p = chatgpt.createParser(
    { url: URL_SEND, method: 'POST', contentType: 'text/event-stream', requestBody: opts.request },
    opts.context ?? createConversationContext(),
  );
  const size = opts.chunk ?? 37;
  for (let i = 0; i < body.length; i += size) p.push(body.slice(i, i + size));
  const turns = p.finish(opts.aborted ?? false);
  return { turns, recognised: p.recognised };
}

describe('chatgpt traffic filter', () => {
  it.each([
    ['/backend-api/f/conversation', true],
    ['/backend-api/conversation', true],
    ['/backend-anon/f/conversation', true],
    ['/backend-anon/conversation?x=1', true],
    ['/backend-api/f/conversation/prepare', false],
    ['/backend-api/conversation/c-1', false],
    ['/backend-api/conversations?offset=0', false],
    ['/backend-api/me', false],
    ['/ces/v1/t', false],
  ])('%s → %s', (path, read) => {
    expect(chatgpt.traffic.some((re) => re.test(path))).toBe(read);
  });
});

describe('chatgpt request body', () => {
  it('reads the prompt, the ids and the model of a send', () => {
    expect(readChatgptRequest(fixture('request-next.json'))).toEqual({
      prompt: 'And how are they counted?',
      userMessageId: 'u2',
      parentId: 'a-1',
      conversationId: 'c-1',
      model: 'auto',
    });
  });
  it('a regeneration has no new prompt; junk gives an empty prompt, never a throw', () => {
    expect(readChatgptRequest(fixture('request-regenerate.json'))).toMatchObject({ prompt: '', parentId: 'u1' });
    for (const junk of [undefined, '', 'not json', '[]', '{"messages":[null,{"author":1}]}'])
      expect(readChatgptRequest(junk).prompt).toBe('');
  });
});

// [fixture, expected turns (id, model, text, aborted)]
const TABLE: Array<[string, Array<Partial<ParsedTurn>>]> = [
  [
    'reply-v1.sse',
    [
      {
        id: 'c-1:a-1',
        model: 'gpt-5-2025-08-07',
        text: 'Hello, world. Tokens are counted here!',
        aborted: false,
        format: 'chatgpt-web',
      },
    ],
  ],
  ['regenerate.sse', [{ id: 'c-1:a-2', model: 'gpt-5', text: 'Hi there, a second answer!', aborted: false }]],
  ['branch.sse', [{ id: 'c-1:a-3', text: 'An answer on a new branch!', aborted: false }]],
  ['stopped.sse', [{ id: 'c-1:a-4', text: 'This reply was stopped by the person halfway', aborted: true }]],
  ['duplicate-frames.sse', [{ id: 'c-1:a-5', text: 'Once only!', aborted: false }]],
  ['legacy.sse', [{ id: 'c-1:a-6', model: 'gpt-4o', text: 'Old style reply', aborted: false }]],
  [
    'tool-then-answer.sse',
    [
      { id: 'c-1:a-7', text: '{"q":"weather"}', aborted: false },
      { id: 'c-1:a-8', text: 'It is sunny.!', aborted: false },
    ],
  ],
  ['changed-shape.sse', []],
];

describe('chatgpt reply stream', () => {
  it.each(TABLE)('%s', (name, expected) => {
    for (const chunk of [1, 7, 37, 100_000]) {
      const { turns, recognised } = run(fixture(name), { chunk });
      expect(turns).toHaveLength(expected.length);
      expected.forEach((e, i) => expect(turns[i]).toMatchObject(e));
      for (const t of turns) expect(t.estimatedOutputTokens).toBe(estimateTokens(t.text));
      expect(recognised).toBe(expected.length > 0);
    }
  });

  it('a changed shape yields nothing and is not recognised (the hook reports drift)', () => {
    const { turns, recognised } = run(fixture('changed-shape.sse'));
    expect(turns).toEqual([]);
    expect(recognised).toBe(false);
  });

  it('a stream cut by the page (stop) counts what was generated, as aborted', () => {
    const body = fixture('reply-v1.sse');
    const cut = body.slice(0, body.indexOf('. Tokens'));
    const { turns } = run(cut, { aborted: true });
    expect(turns).toMatchObject([{ id: 'c-1:a-1', text: 'Hello, world', aborted: true }]);
  });

  it('the same message seen twice (reload, replay, second tab) has the same key', () => {
    const a = run(fixture('reply-v1.sse')).turns[0]!;
    const b = run(fixture('reply-v1.sse'), { request: fixture('request-first.json') }).turns[0]!;
    expect(a.id).toBe(b.id);
    // a regeneration is a new message: a new key, counted once more
    expect(run(fixture('regenerate.sse')).turns[0]!.id).not.toBe(a.id);
  });
});

describe('chatgpt input side (estimated: the branch so far + the prompt)', () => {
  it('first turn: the prompt; the next turn re-sends the conversation so far', () => {
    const context = createConversationContext();
    const first = run(fixture('reply-v1.sse'), { request: fixture('request-first.json'), context }).turns[0]!;
    const prompt1 = estimateTokens('What are tokens? <|endoftext|> is a special string.') + 4;
    expect(first.estimatedInputTokens).toBe(prompt1);
    expect(first.contextTokens).toBe(0);
    expect(first.prompt).toBe('What are tokens? <|endoftext|> is a special string.');
    expect(first.conversationId).toBe('c-1');

    const next = run(fixture('branch.sse'), { request: fixture('request-next.json'), context }).turns[0]!;
    const so = prompt1 + first.estimatedOutputTokens!;
    expect(next.contextTokens).toBe(so);
    expect(next.estimatedInputTokens).toBe(so + estimateTokens('And how are they counted?') + 4);
  });

  it('a regeneration re-sends the branch up to the user message, without the replaced reply', () => {
    const context = createConversationContext();
    const first = run(fixture('reply-v1.sse'), { request: fixture('request-first.json'), context }).turns[0]!;
    const regen = run(fixture('regenerate.sse'), { request: fixture('request-regenerate.json'), context }).turns[0]!;
    expect(regen.estimatedInputTokens).toBe(first.estimatedInputTokens);
    expect(regen.prompt).toBeUndefined();
  });

  it('an edit that branches from an earlier message re-sends only that branch', () => {
    const context = createConversationContext();
    run(fixture('reply-v1.sse'), { request: fixture('request-first.json'), context });
    run(fixture('branch.sse'), { request: fixture('request-next.json'), context });
    // edit of the second prompt: same parent (a-1), new user message id
    const edited = fixture('request-next.json').replace('"u2"', '"u2-edit"').replace('counted?', 'counted, exactly?');
    const t = run(fixture('regenerate.sse'), { request: edited, context }).turns[0]!;
    const first = run(fixture('reply-v1.sse'), { request: fixture('request-first.json') }).turns[0]!;
    expect(t.contextTokens).toBe(first.estimatedInputTokens! + first.estimatedOutputTokens!);
  });

  it('after a reload the context is unknown: the prompt alone, never an error', () => {
    const t = run(fixture('branch.sse'), { request: fixture('request-next.json') }).turns[0]!;
    expect(t.contextTokens).toBe(0);
    expect(t.estimatedInputTokens).toBe(estimateTokens('And how are they counted?') + 4);
  });
});

describe('delta operations', () => {
  it('applies add, append (string, array, object), replace, truncate, remove and patch; ignores unsafe paths', () => {
    const s = createDeltaState();
    const op = (o: unknown) => s.event('delta', JSON.stringify(o));
    op({
      p: '',
      o: 'add',
      v: { message: { id: 'm', content: { parts: ['ab'] }, metadata: {} }, conversation_id: 'c' },
    });
    op({ p: '/message/content/parts/0', o: 'append', v: 'cd' });
    op({ v: 'ef' });
    op({ p: '/message/content/parts', o: 'append', v: ['x'] });
    op({ p: '/message/metadata', o: 'append', v: { model_slug: 'm1', __proto__: { polluted: 1 } } });
    op({ p: '/message/content/parts/1', o: 'remove' });
    op({
      p: '',
      o: 'patch',
      v: [
        { p: '/message/content/parts/0', o: 'truncate', v: 4 },
        { p: '/message/status', o: 'replace', v: 'x' },
      ],
    });
    op({ p: '/__proto__/polluted', o: 'replace', v: 1 });
    s.event('delta', 'not json');
    s.event('message', '[DONE]');
    const m = s.messages.get('m')!.message as { content: { parts: string[] }; status: string; metadata: object };
    expect(m.content.parts).toEqual(['abcd']);
    expect(m.status).toBe('x');
    expect(m.metadata).toEqual({ model_slug: 'm1' });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(s.done).toBe(true);
  });

  it('never throws on hostile input', () => {
    const s = createDeltaState();
    for (const d of [
      '{"o":"append","p":"/a/b/c","v":1}',
      '{"o":"patch","v":[1,null,{"o":"add"}]}',
      '{"v":[]}',
      'null',
      '[]',
    ])
      expect(() => s.event('delta', d)).not.toThrow();
  });
});
