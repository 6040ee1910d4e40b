/**
 * The parser adds most text deltas without JSON.parse once it knows their envelope (index.ts). Whatever the text,
 * the result must be exactly what parsing every event gives: the same text, the same length, the same usage, the
 * same tool calls, the same end. Random texts full of what a JSON string escapes, texts equal to other fields,
 * envelopes that change mid-stream, and events that look like deltas but carry usage or a finish reason.
 */
import { describe, expect, it } from 'vitest';
import { createBodyParser } from '@/utils/parsers/index';

/** Deterministic pseudo-random numbers (mulberry32), so a failure can be replayed. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALPHABET = ['a', 'b', ' ', 'é', '中', '😀', '"', '\\', '\n', '\t', '\u0001', '/', 'c1', 'gpt-x', '}', ','];

function randomText(r: () => number): string {
  let s = '';
  const n = 1 + Math.floor(r() * 6);
  for (let i = 0; i < n; i++) s += ALPHABET[Math.floor(r() * ALPHABET.length)];
  return s;
}

const sse = (events: string[]) => events.map((d) => `data: ${d}\n\n`).join('');

function parseAll(body: string, contentType = 'text/event-stream') {
  const p = createBodyParser(contentType)!;
  // chunked at awkward places, as a network would
  for (let i = 0; i < body.length; i += 37) p.push(body.slice(i, i + 37));
  return p.finish(false);
}

function openAiStream(texts: string[], opts: { created?: (i: number) => number } = {}): string {
  const chunk = (i: number, delta: object, finish: string | null = null) =>
    JSON.stringify({
      id: 'c1',
      object: 'chat.completion.chunk',
      created: opts.created?.(i) ?? 1,
      model: 'gpt-x',
      choices: [{ index: 0, delta, finish_reason: finish }],
    });
  return sse([
    chunk(-1, { role: 'assistant', content: '' }),
    ...texts.map((t, i) => chunk(i, { content: t })),
    chunk(texts.length, {}, 'stop'),
    JSON.stringify({
      id: 'c1',
      object: 'chat.completion.chunk',
      model: 'gpt-x',
      choices: [],
      usage: { prompt_tokens: 7, completion_tokens: 9 },
    }),
    '[DONE]',
  ]);
}

describe('text deltas added without parsing give exactly what parsing gives', () => {
  it.each(Array.from({ length: 40 }, (_, i) => i + 1))('OpenAI Chat stream, seed %i', (seed) => {
    const r = rng(seed);
    const texts = Array.from({ length: 60 }, () => randomText(r));
    const [turn, ...rest] = parseAll(openAiStream(texts));
    expect(rest).toEqual([]);
    expect(turn!.text).toBe(texts.join(''));
    expect(turn!.usage).toEqual({ inputTokens: 7, outputTokens: 9 });
    expect(turn!.aborted).toBe(false);
  });

  it('an envelope that changes on every event (a timestamp) still gives every piece of text', () => {
    const texts = Array.from({ length: 30 }, (_, i) => `w${i} `);
    const [turn] = parseAll(openAiStream(texts, { created: (i) => 1000 + i }));
    expect(turn!.text).toBe(texts.join(''));
  });

  it('Anthropic deltas, with the usage event shaped like them in between', () => {
    const r = rng(99);
    const texts = Array.from({ length: 50 }, () => randomText(r));
    const ev = (type: string, data: object) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
    const body =
      ev('message_start', {
        message: { id: 'msg_1', model: 'claude-x', usage: { input_tokens: 11, output_tokens: 1 } },
      }) +
      ev('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }) +
      texts.map((t) => ev('content_block_delta', { index: 0, delta: { type: 'text_delta', text: t } })).join('') +
      ev('content_block_stop', { index: 0 }) +
      ev('message_delta', { delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 42 } }) +
      ev('message_stop', {});
    const [turn] = parseAll(body);
    expect(turn!.text).toBe(texts.join(''));
    expect(turn!.usage).toEqual({ inputTokens: 11, outputTokens: 42 });
    expect(turn!.aborted).toBe(false);
  });

  it('a delta-shaped event that also names a tool call or a finish reason is not skipped', () => {
    const base = { id: 'c1', object: 'chat.completion.chunk', model: 'gpt-x' };
    const body = sse([
      JSON.stringify({ ...base, choices: [{ index: 0, delta: { content: 'one ' }, finish_reason: null }] }),
      JSON.stringify({ ...base, choices: [{ index: 0, delta: { content: 'two ' }, finish_reason: null }] }),
      JSON.stringify({
        ...base,
        choices: [
          {
            index: 0,
            delta: { tool_calls: [{ index: 0, id: 't1', function: { name: 'search', arguments: '{}' } }] },
            finish_reason: null,
          },
        ],
      }),
      JSON.stringify({ ...base, choices: [{ index: 0, delta: { content: 'three' }, finish_reason: 'stop' }] }),
    ]);
    const [turn] = parseAll(body);
    expect(turn!.text).toBe('one two {}three');
    expect(turn!.toolCalls).toEqual({ search: 1 });
    expect(turn!.aborted).toBe(false); // the finish reason in the last delta-shaped event was seen
  });

  it('AI SDK data stream text parts, with an error part of the same shape', () => {
    const body = [
      '0:"Hello"',
      '0:", world"',
      '3:"boom"',
      '0:"!"',
      'e:{"finishReason":"stop","usage":{"promptTokens":3,"completionTokens":4}}',
      'd:{"finishReason":"stop","usage":{"promptTokens":3,"completionTokens":4}}',
    ]
      .map((l) => `${l}\n`)
      .join('');
    const [turn] = parseAll(body, 'text/plain; charset=utf-8');
    expect(turn!.text).toBe('Hello, world!');
    expect(turn!.usage).toEqual({ inputTokens: 3, outputTokens: 4 });
  });

  it('a long reply past the kept text still counts every character', () => {
    const piece = 'x'.repeat(100);
    const texts = Array.from({ length: 2000 }, () => piece); // 200,000 characters
    const p = createBodyParser('text/event-stream')!;
    p.push(openAiStream(texts).replace(/"usage":\{[^}]*\}/, '"usage":null'));
    const [turn] = p.finish(false);
    expect(turn!.usage).toBeUndefined();
    // estimated over everything, not just the kept 64 K characters: 'x' runs are ~1 token per 4 characters
    expect(turn!.estimatedOutputTokens).toBeGreaterThan(200_000 / 8);
  });
});

describe('JSON answers that cannot be a model reply are not parsed', () => {
  it('app data without any word a format needs gives nothing; a reply mislabelled as JSON still counts', () => {
    const app = JSON.stringify({ items: Array.from({ length: 50 }, (_, i) => ({ id: i, name: `row ${i}` })) });
    expect(parseAll(app, 'application/json')).toEqual([]);
    const aiSdkText = '0:"Hello"\n0:" there"\n';
    const [turn] = parseAll(aiSdkText, 'application/json');
    expect(turn!.text).toBe('Hello there');
  });
});
