/**
 * Table-driven: each wire fixture (public-docs-shaped bodies) and the turns it must yield. The expected values are
 * written by hand from the fixture contents, not computed by the code under test.
 */
import { describe, expect, it } from 'vitest';
import { createBodyParser, parseBody } from '@/utils/parsers/index';
import type { ParsedTurn } from '@/utils/parsers/types';
import { fixture, plain } from './fixtures';

const SSE = 'text/event-stream; charset=utf-8';
const JSON_CT = 'application/json';

type Row = [file: string, contentType: string, recognised: boolean, turns: ParsedTurn[]];

const chat = (t: Omit<ParsedTurn, 'format'>): ParsedTurn => ({ format: 'openai-chat', ...t });
const resp = (t: Omit<ParsedTurn, 'format'>): ParsedTurn => ({ format: 'openai-responses', ...t });
const anth = (t: Omit<ParsedTurn, 'format'>): ParsedTurn => ({ format: 'anthropic-messages', ...t });

const RESP_ID = 'resp_67ccd2bed1ec8190b14f964abc0542670bb6a6b452d3795b';
const UNICORN = 'Under a silver moon, the unicorn slept.';

const rows: Row[] = [
  // ---- OpenAI Chat Completions ----
  [
    'openai-chat/stream-basic.sse',
    SSE,
    true,
    [
      chat({
        id: 'chatcmpl-AB7wKkR1yq0dPlN3ZsMtqUv8x2Hfe',
        model: 'gpt-4o-mini-2024-07-18',
        usage: { inputTokens: 24, outputTokens: 7 },
        text: 'The capital of France is Paris.',
        aborted: false,
      }),
    ],
  ],
  [
    'openai-chat/stream-no-usage.sse',
    SSE,
    true,
    [
      chat({
        id: 'chatcmpl-AB7x0Q9fJtLkVZc2mWb6nDqYe4RoS',
        model: 'gpt-4o-2024-08-06',
        text: 'Sure! Here you go: 42',
        aborted: false,
      }),
    ],
  ],
  [
    'openai-chat/stream-usage-repeated.sse',
    SSE,
    true,
    [
      chat({
        id: 'chatcmpl-AB7yUe3LrPq5nGm0cXw8tVb1sKdJz',
        model: 'gpt-4o-mini-2024-07-18',
        usage: { inputTokens: 1204, outputTokens: 56 },
        text: 'Done — the report is attached.',
        aborted: false,
      }),
    ],
  ],
  [
    'openai-chat/stream-usage-every-chunk.sse',
    SSE,
    true,
    [
      chat({
        id: 'chatcmpl-6f1c2d0e9b8a4c7d9e0f1a2b3c4d5e6f',
        model: 'meta-llama/Llama-3.1-8B-Instruct',
        usage: { inputTokens: 31, outputTokens: 8 },
        text: 'Hello! How can I help?',
        aborted: false,
      }),
    ],
  ],
  [
    'openai-chat/stream-n2.sse',
    SSE,
    true,
    [
      chat({
        id: 'chatcmpl-AB80mN2bV7cX4zL9kJ3hG6fD1sA5q',
        model: 'gpt-4o-mini-2024-07-18',
        usage: { inputTokens: 15, outputTokens: 4 },
        text: 'RedBlue apple sky',
        aborted: false,
      }),
    ],
  ],
  [
    'openai-chat/stream-aborted.sse',
    SSE,
    true,
    [
      chat({
        id: 'chatcmpl-AB82pQ7rS1tU4vW8xY2zA5bC9dE3f',
        model: 'gpt-4o-2024-08-06',
        text: 'Once upon a time, in a',
        aborted: true,
      }),
    ],
  ],
  ['openai-chat/stream-error.sse', SSE, true, []],
  [
    'openai-chat/stream-azure.sse',
    SSE,
    true,
    [
      chat({
        id: 'chatcmpl-AB86zX1cV4bN7mQ0wE3rT6yU9iO2p',
        model: 'gpt-4o-2024-11-20',
        usage: { inputTokens: 18, outputTokens: 8 },
        text: 'Bonjour ! Comment ça va ?',
        aborted: false,
      }),
    ],
  ],
  [
    'openai-chat/stream-tool-call.sse',
    SSE,
    true,
    [
      chat({
        id: 'chatcmpl-AB88aS3dF6gH9jK2lZ5xC8vB1nM4q',
        model: 'gpt-4o-mini-2024-07-18',
        usage: { inputTokens: 81, outputTokens: 17 },
        text: '{"location":"Paris, France"}',
        aborted: false,
        toolCalls: { get_weather: 1 }, // the name comes once, the arguments in five deltas
      }),
    ],
  ],
  [
    'openai-chat/retry-1.sse',
    SSE,
    true,
    [
      chat({
        id: 'chatcmpl-AB8AqW4eR7tY0uI3oP6aS9dF2gH5j',
        model: 'gpt-4o-mini-2024-07-18',
        text: 'Yes,',
        aborted: true,
      }),
    ],
  ],
  [
    'openai-chat/retry-2.sse',
    SSE,
    true,
    [
      chat({
        id: 'chatcmpl-AB8AqW4eR7tY0uI3oP6aS9dF2gH5j',
        model: 'gpt-4o-mini-2024-07-18',
        usage: { inputTokens: 40, outputTokens: 4 },
        text: 'Yes, it works',
        aborted: false,
      }),
    ],
  ],
  [
    'openai-chat/session-two-replies.sse',
    SSE,
    true,
    [
      chat({
        id: 'chatcmpl-AB7wKkR1yq0dPlN3ZsMtqUv8x2Hfe',
        model: 'gpt-4o-mini-2024-07-18',
        usage: { inputTokens: 24, outputTokens: 7 },
        text: 'The capital of France is Paris.',
        aborted: false,
      }),
      chat({
        id: 'chatcmpl-AB7x0Q9fJtLkVZc2mWb6nDqYe4RoS',
        model: 'gpt-4o-2024-08-06',
        text: 'Sure! Here you go: 42',
        aborted: false,
      }),
    ],
  ],
  [
    'openai-chat/body.json',
    JSON_CT,
    true,
    [
      chat({
        id: 'chatcmpl-AB8CxZ1cV2bN3mA4sD5fG6hJ7kL8q',
        model: 'gpt-4o-2024-08-06',
        usage: { inputTokens: 19, outputTokens: 10 },
        text: 'Hello! How can I assist you today?',
        aborted: false,
      }),
    ],
  ],
  [
    'openai-chat/body-n2.json',
    'application/json; charset=utf-8',
    true,
    [
      chat({
        id: 'chatcmpl-AB8EpO9iU8yT7rE6wQ5aS4dF3gH2j',
        model: 'gpt-4o-mini-2024-07-18',
        usage: { inputTokens: 12, outputTokens: 2 },
        text: 'TeaCoffee',
        aborted: false,
      }),
    ],
  ],
  ['openai-chat/error-body.json', JSON_CT, false, []],
  // ---- OpenAI Responses ----
  [
    'openai-responses/stream-basic.sse',
    SSE,
    true,
    [
      resp({
        id: RESP_ID,
        model: 'gpt-4.1-2025-04-14',
        usage: { inputTokens: 36, outputTokens: 10 },
        text: UNICORN,
        aborted: false,
      }),
    ],
  ],
  [
    'openai-responses/stream-incomplete.sse',
    SSE,
    true,
    [
      resp({
        id: RESP_ID,
        model: 'gpt-4.1-2025-04-14',
        usage: { inputTokens: 36, outputTokens: 9 },
        text: UNICORN,
        aborted: false,
      }),
    ],
  ],
  [
    'openai-responses/stream-cached.sse',
    SSE,
    true,
    [
      resp({
        id: RESP_ID,
        model: 'gpt-4.1-2025-04-14',
        usage: { inputTokens: 2048, outputTokens: 10 },
        text: UNICORN,
        aborted: false,
      }),
    ],
  ],
  [
    'openai-responses/stream-aborted.sse',
    SSE,
    true,
    [resp({ id: RESP_ID, model: 'gpt-4.1-2025-04-14', text: 'Under a silver moon', aborted: true })],
  ],
  ['openai-responses/stream-failed.sse', SSE, true, []],
  ['openai-responses/stream-error-event.sse', SSE, true, []],
  [
    'openai-responses/body.json',
    JSON_CT,
    true,
    [
      resp({
        id: RESP_ID,
        model: 'gpt-4.1-2025-04-14',
        usage: { inputTokens: 36, outputTokens: 10 },
        text: UNICORN,
        aborted: false,
      }),
    ],
  ],
  ['openai-responses/body-in-progress.json', JSON_CT, true, []],
  // ---- Anthropic Messages ----
  [
    'anthropic-messages/stream-basic.sse',
    SSE,
    true,
    [
      anth({
        id: 'msg_01XFDUDYJgAACzvnptvVoYEL',
        model: 'claude-sonnet-4-20250514',
        usage: { inputTokens: 25, outputTokens: 12 },
        text: 'Hello! Nice to meet you.',
        aborted: false,
      }),
    ],
  ],
  [
    'anthropic-messages/stream-cache-cumulative.sse',
    SSE,
    true,
    [
      anth({
        id: 'msg_01Hk3Ab7qzRvJx9mWcYt5NpL',
        model: 'claude-3-5-haiku-20241022',
        usage: { inputTokens: 4512, outputTokens: 73 },
        text: 'Using the cached context: yes.',
        aborted: false,
      }),
    ],
  ],
  [
    'anthropic-messages/stream-thinking-tool.sse',
    SSE,
    true,
    [
      anth({
        id: 'msg_014p7gG3wDgGV9EUtLvnow3U',
        model: 'claude-opus-4-1-20250805',
        usage: { inputTokens: 472, outputTokens: 89 },
        text: 'The user wants the weather.Checking.{"location": "San Francisco, CA"}',
        aborted: false,
        toolCalls: { get_weather: 1 },
      }),
    ],
  ],
  [
    'anthropic-messages/stream-server-tool.sse',
    SSE,
    true,
    [
      anth({
        id: 'msg_01CqTdDcvhSc7vMpRkQ4XbnT',
        model: 'claude-opus-4-1-20250805',
        usage: { inputTokens: 11882, outputTokens: 510 },
        text: '{"query": "weather NYC today"}It is sunny.',
        aborted: false,
        toolCalls: { web_search: 1 }, // server_tool_use counts as a tool call too
      }),
    ],
  ],
  [
    'anthropic-messages/stream-aborted.sse',
    SSE,
    true,
    [
      anth({
        id: 'msg_01Wq8Tz3yXbKc5Nf2Lm7Pd9R',
        model: 'claude-sonnet-4-20250514',
        text: 'Step one: open the',
        aborted: true,
      }),
    ],
  ],
  ['anthropic-messages/stream-error.sse', SSE, true, []],
  [
    'anthropic-messages/body.json',
    JSON_CT,
    true,
    [
      anth({
        id: 'msg_013Zva2CMHLNnXjNJJKqJ2EF',
        model: 'claude-sonnet-4-20250514',
        usage: { inputTokens: 3119, outputTokens: 503 },
        text: 'Hi! My name is Claude.',
        aborted: false,
      }),
    ],
  ],
  ['anthropic-messages/error-body.json', JSON_CT, true, []],
  // ---- odd and hostile bodies ----
  ['misc/unrelated.json', JSON_CT, false, []],
  ['misc/truncated.json', JSON_CT, false, []],
  ['misc/unrelated.sse', SSE, false, []],
  ['misc/malformed-junk.sse', SSE, false, []],
  [
    'misc/malformed-mixed.sse',
    SSE,
    true,
    [
      chat({
        id: 'chatcmpl-AB8GvB5nM6qW7eR8tY9uI0oP1aS2d',
        model: 'gpt-4o-mini-2024-07-18',
        usage: { inputTokens: 9, outputTokens: 2 },
        text: 'Still here',
        aborted: false,
      }),
    ],
  ],
  // the same stream served as text/plain, and an event stream mislabelled as JSON
  [
    'openai-chat/stream-basic.sse',
    'text/plain',
    true,
    [
      chat({
        id: 'chatcmpl-AB7wKkR1yq0dPlN3ZsMtqUv8x2Hfe',
        model: 'gpt-4o-mini-2024-07-18',
        usage: { inputTokens: 24, outputTokens: 7 },
        text: 'The capital of France is Paris.',
        aborted: false,
      }),
    ],
  ],
  [
    'anthropic-messages/stream-basic.sse',
    JSON_CT,
    true,
    [
      anth({
        id: 'msg_01XFDUDYJgAACzvnptvVoYEL',
        model: 'claude-sonnet-4-20250514',
        usage: { inputTokens: 25, outputTokens: 12 },
        text: 'Hello! Nice to meet you.',
        aborted: false,
      }),
    ],
  ],
  // a non-streamed reply object sent as NDJSON line / single SSE event
  ['openai-chat/body-n2.json', 'application/x-ndjson', false, []], // pretty-printed: not one line, so not NDJSON
];

describe('wire fixtures', () => {
  it.each(rows)('%s as %s (recognised %s)', (file, contentType, recognised, expected) => {
    const p = createBodyParser(contentType);
    expect(p).not.toBeNull();
    p!.push(fixture(file));
    const turns = p!.finish(false);
    expect(plain(turns)).toEqual(expected);
    expect(p!.recognised).toBe(recognised);
    expect(parseBody(contentType, fixture(file))).toEqual(turns);
  });

  it('a retried request yields the same id from both bodies (the caller upserts by it)', () => {
    const [a] = parseBody(SSE, fixture('openai-chat/retry-1.sse'));
    const [b] = parseBody(SSE, fixture('openai-chat/retry-2.sse'));
    expect(a?.id).toBeDefined();
    expect(a?.id).toBe(b?.id);
  });

  it('finish(true) marks a complete stream aborted but keeps its exact usage', () => {
    const p = createBodyParser(SSE)!;
    p.push(fixture('anthropic-messages/stream-basic.sse'));
    expect(plain(p.finish(true))).toEqual([
      anth({
        id: 'msg_01XFDUDYJgAACzvnptvVoYEL',
        model: 'claude-sonnet-4-20250514',
        usage: { inputTokens: 25, outputTokens: 12 },
        text: 'Hello! Nice to meet you.',
        aborted: true,
      }),
    ]);
  });

  it('reads NDJSON chunks served as application/json', () => {
    const sse = fixture('openai-chat/stream-basic.sse');
    const ndjson = sse
      .split('\n')
      .filter((l) => l.startsWith('data: {'))
      .map((l) => l.slice(6))
      .join('\n');
    expect(plain(parseBody('application/json', ndjson))).toEqual([
      chat({
        id: 'chatcmpl-AB7wKkR1yq0dPlN3ZsMtqUv8x2Hfe',
        model: 'gpt-4o-mini-2024-07-18',
        usage: { inputTokens: 24, outputTokens: 7 },
        text: 'The capital of France is Paris.',
        aborted: false, // no [DONE] line in NDJSON, but finish_reason counts as the end marker
      }),
    ]);
  });

  it('a reply object sent as one SSE event or one NDJSON line is read like a JSON body', () => {
    const body = JSON.stringify(JSON.parse(fixture('openai-chat/body.json')));
    const expected = [
      chat({
        id: 'chatcmpl-AB8CxZ1cV2bN3mA4sD5fG6hJ7kL8q',
        model: 'gpt-4o-2024-08-06',
        usage: { inputTokens: 19, outputTokens: 10 },
        text: 'Hello! How can I assist you today?',
        aborted: false,
      }),
    ];
    expect(plain(parseBody(SSE, `data: ${body}\n\ndata: [DONE]\n\n`))).toEqual(expected);
    expect(plain(parseBody('application/x-ndjson', `${body}\n`))).toEqual(expected);
  });

  it('carries a running token estimate of the reply text', () => {
    const [t] = parseBody(SSE, fixture('openai-chat/stream-aborted.sse'));
    // "Once upon a time, in a" is 7 o200k tokens
    expect(t?.estimatedOutputTokens).toBe(7);
  });
});
