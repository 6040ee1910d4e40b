// The hook's side of opt-in text: nothing but counts leaves the page until the relay says text storage is on
// for this site; then each turn's prompt and reply go in a separate `text` message under the fact's key.
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { wrapFetch } from '@/utils/capture/fetch';
import { applyHookConfig } from '@/utils/capture/report';
import { lastUserMessageText } from '@/utils/parsers/estimate';
import type { PageMessage } from '@/utils/messages';

const PAGE = 'http://127.0.0.1:5566/chat';
const sse = readFileSync(new URL('../../fixtures/wire/openai-chat/stream-basic.sse', import.meta.url), 'utf8');
const SECRET_PROMPT = 'my key is sk-abcdefghijklmnopqrstuvwxyz0123456789ABCD, what now?';
const body = JSON.stringify({
  model: 'gpt-4o-mini',
  messages: [
    { role: 'user', content: 'earlier question' },
    { role: 'assistant', content: 'earlier answer' },
    { role: 'user', content: SECRET_PROMPT },
  ],
});

let posted: PageMessage[];
const settle = async () => {
  for (let i = 0; i < 20; i++) await new Promise((r) => setTimeout(r, 0));
};

beforeEach(() => {
  posted = [];
  vi.stubGlobal('location', new URL(PAGE));
});
afterEach(() => {
  applyHookConfig({ type: 'config', text: false });
  vi.unstubAllGlobals();
});

async function chat(): Promise<void> {
  const win = {
    fetch: (async () => new Response(sse, { headers: { 'content-type': 'text/event-stream' } })) as typeof fetch,
  };
  wrapFetch(win as unknown as typeof globalThis, (m) => void posted.push(m));
  await (await win.fetch('/v1/chat/completions', { method: 'POST', body })).text();
  await settle();
}

describe('the hook and turn text', () => {
  it('posts counts only while text is off (the default)', async () => {
    await chat();
    expect(posted.map((m) => m.type)).toEqual(['usage']);
    expect(JSON.stringify(posted)).not.toContain('earlier');
    expect(JSON.stringify(posted)).not.toContain('sk-abc');
  });

  it('posts the last user message and the reply under the fact’s key once the relay turns text on', async () => {
    applyHookConfig({ type: 'config', text: true });
    await chat();
    expect(posted.map((m) => m.type)).toEqual(['usage', 'text']);
    const [usage, text] = posted as [Extract<PageMessage, { type: 'usage' }>, Extract<PageMessage, { type: 'text' }>];
    expect(text.key).toBe(usage.fact.key);
    expect(text.prompt).toBe(SECRET_PROMPT);
    expect(text.reply).toBeTruthy();
    expect(Object.keys(usage.fact)).not.toContain('prompt');
  });

  it.each([
    ['off again', { type: 'config', text: false }],
    ['a truthy non-boolean', { type: 'config', text: 'yes' }],
    ['another message type', { type: 'usage', text: true }],
    ['garbage', null],
  ])('treats %s as text off', async (_n, config) => {
    applyHookConfig({ type: 'config', text: true });
    applyHookConfig(config);
    await chat();
    expect(posted.map((m) => m.type)).toEqual(['usage']);
  });
});

describe('lastUserMessageText', () => {
  it.each([
    [
      'chat messages (string content)',
      {
        messages: [
          { role: 'user', content: 'a' },
          { role: 'assistant', content: 'b' },
          { role: 'user', content: 'c' },
        ],
      },
      'c',
    ],
    [
      'content parts, images and tool results skipped',
      {
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'look' },
              { type: 'image_url', image_url: { url: 'data:' } },
              { type: 'tool_result', text: 'tool output' },
              { type: 'text', text: 'here' },
            ],
          },
        ],
      },
      'look\nhere',
    ],
    ['Responses input string', { input: 'hello' }, 'hello'],
    ['Responses input items', { input: [{ role: 'user', content: [{ type: 'input_text', text: 'hi' }] }] }, 'hi'],
    [
      'Gemini contents',
      {
        contents: [
          { role: 'user', parts: [{ text: 'g' }] },
          { role: 'model', parts: [{ text: 'm' }] },
        ],
      },
      'g',
    ],
    ['Ollama generate prompt', { model: 'x', prompt: 'p' }, 'p'],
    ['no user message', { messages: [{ role: 'system', content: 's' }] }, undefined],
    ['no known field', { foo: 'bar' }, undefined],
  ])('%s', (_n, request, expected) => {
    expect(lastUserMessageText(JSON.stringify(request))).toBe(expected);
  });

  it.each([undefined, '', 'not json', '[1,2]', '{"messages":'])('is undefined for %j', (raw) => {
    expect(lastUserMessageText(raw)).toBeUndefined();
  });

  it('caps what it returns', () => {
    expect(lastUserMessageText(JSON.stringify({ prompt: 'x'.repeat(100) }), 10)).toBe('x'.repeat(10));
  });
});
