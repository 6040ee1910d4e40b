/**
 * Table-driven, like formats.test.ts: OpenAI-compatible servers, Bedrock Converse, Gemini, Ollama, Vercel AI SDK,
 * usage objects in any JSON (agent runs, jobs), and tool-call counting. Expected values are written by hand from the
 * fixture contents.
 */
import { describe, expect, it } from 'vitest';
import { createBodyParser, parseBody } from '@/utils/parsers/index';
import type { ParsedTurn, WireFormatId } from '@/utils/parsers/types';
import { fixture, plain } from './fixtures';

const SSE = 'text/event-stream';
const JSON_CT = 'application/json';
const NDJSON = 'application/x-ndjson';
const TEXT = 'text/plain; charset=utf-8';

type Row = [file: string, contentType: string, recognised: boolean, turns: ParsedTurn[]];
type T = Omit<ParsedTurn, 'format'>;
const of =
  (format: WireFormatId) =>
  (t: T): ParsedTurn => ({ format, ...t });
const chat = of('openai-chat');
const resp = of('openai-responses');
const bedrock = of('bedrock-converse');
const gem = of('gemini');
const oll = of('ollama');
const sdk = of('ai-sdk');
/** A usage-json record: snapshot, keyed and run-named by its own id. */
const rec = (id: string, t: Omit<T, 'text' | 'aborted' | 'snapshot' | 'runId' | 'id'>): ParsedTurn => ({
  format: 'usage-json',
  id,
  runId: id,
  text: '',
  aborted: false,
  snapshot: true,
  ...t,
});

const JOB = 'job_01JQ8Z4K7M2N3P4Q5R6S7T8V9W';
const BONJOUR = bedrock({
  usage: { inputTokens: 12, outputTokens: 6 },
  text: 'Bonjour tout le monde !',
  aborted: false,
});

const rows: Row[] = [
  // ---- OpenAI-compatible servers: extra fields, still openai-chat with exact usage ----
  [
    'openai-chat/vllm-stream.sse',
    SSE,
    true,
    [
      chat({
        id: 'chatcmpl-b3f6a1e2c44d4a0c9a3e8f1d2c7b5a90',
        model: 'Qwen/Qwen2.5-7B-Instruct',
        usage: { inputTokens: 21, outputTokens: 8 }, // prompt_tokens_details: null is fine
        text: 'Paris is the capital of France.',
        aborted: false,
      }),
    ],
  ],
  [
    'openai-chat/vllm-body.json',
    JSON_CT,
    true,
    [
      chat({
        id: 'chatcmpl-5e0d7c1a9b2f4e6d8a3c1b0f9e8d7c6b',
        model: 'meta-llama/Llama-3.1-8B-Instruct',
        usage: { inputTokens: 18, outputTokens: 13 },
        text: 'Water boils at 100 °C at sea level.',
        aborted: false,
      }),
    ],
  ],
  [
    'openai-chat/litellm-stream-tools.sse',
    SSE,
    true,
    [
      chat({
        id: 'chatcmpl-7c2e9f4a-1b3d-4e5f-8a6b-9c0d1e2f3a4b',
        model: 'claude-3-5-sonnet-20241022',
        // usage on the finish chunk; LiteLLM's cache_read_input_tokens are already inside prompt_tokens
        usage: { inputTokens: 612, outputTokens: 94 },
        text: 'Let me check both cities.{"city": "Paris"}{"city": "Oslo"}',
        aborted: false,
        toolCalls: { get_weather: 2 }, // two indices; the argument deltas carry name: null
      }),
    ],
  ],
  [
    'openai-chat/litellm-body-tools.json',
    JSON_CT,
    true,
    [
      chat({
        id: 'chatcmpl-2d4f6a8c-0e1b-4c3d-9f5a-7b8c9d0e1f2a',
        model: 'gpt-4o-mini',
        usage: { inputTokens: 244, outputTokens: 61 },
        text: '{"query":"Q3 revenue"}{"query":"Q4 forecast"}{"to":"cfo@example.com"}',
        aborted: false,
        toolCalls: { search_docs: 2, send_email: 1 },
      }),
    ],
  ],
  [
    'openai-chat/openwebui-stream.sse',
    SSE,
    true,
    [
      chat({
        id: 'chatcmpl-3f9a2b7c-8d1e-4f60-a5b4-c3d2e1f0a9b8',
        model: 'llama3.1:8b',
        usage: { inputTokens: 96, outputTokens: 6 }, // response_token/s & co. ignored
        text: 'Use the HR portal.',
        aborted: false,
      }),
    ],
  ],
  [
    // a new "<model>-<uuid>" id per chunk and a premature finish_reason: still ONE turn; Ollama counts as usage
    'openai-chat/openwebui-legacy.sse',
    SSE,
    true,
    [
      chat({
        id: 'mistral:7b-0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f',
        model: 'mistral:7b',
        usage: { inputTokens: 57, outputTokens: 5 },
        text: 'Sure, done.',
        aborted: false,
      }),
    ],
  ],
  [
    'openai-chat/stream-parallel-tools.sse',
    SSE,
    true,
    [
      chat({
        id: 'chatcmpl-AB9fT2kLm8Qw3ZxR7vNc1bHy5sJp0',
        model: 'gpt-4o-2024-08-06',
        usage: { inputTokens: 143, outputTokens: 71 },
        text: '{"order_id": "A-1042"}{"order_id": "A-1043"}{"order_id": "A-1042"}',
        aborted: false,
        toolCalls: { lookup_order: 2, refund: 1 },
      }),
    ],
  ],
  // ---- OpenAI Responses tool calls ----
  [
    'openai-responses/stream-function-call.sse',
    SSE,
    true,
    [
      resp({
        id: 'resp_68af1c2e9b7c8190a1d2e3f4a5b6c7d80f1e2d3c4b5a6978',
        model: 'gpt-4.1-2025-04-14',
        usage: { inputTokens: 57, outputTokens: 18 },
        text: '{"location":"Paris, France"}',
        aborted: false,
        toolCalls: { get_weather: 1 }, // not again for output_item.done / response.completed
      }),
    ],
  ],
  [
    'openai-responses/body-function-call.json',
    JSON_CT,
    true,
    [
      resp({
        id: 'resp_68af1c2e9b7c8190a1d2e3f4a5b6c7d80f1e2d3c4b5a6978',
        model: 'gpt-4.1-2025-04-14',
        usage: { inputTokens: 57, outputTokens: 18 },
        text: '{"location":"Paris, France"}{"location":"Oslo"}',
        aborted: false,
        toolCalls: { get_weather: 2 }, // the `tools` definitions are not calls
      }),
    ],
  ],
  // ---- Amazon Bedrock Converse ----
  [
    'bedrock-converse/body.json',
    JSON_CT,
    true,
    [
      bedrock({
        usage: { inputTokens: 31, outputTokens: 24 },
        text: 'Here are three ideas for the team offsite: a cooking class, a hike, or an escape room.',
        aborted: false,
      }),
    ],
  ],
  [
    'bedrock-converse/body-tool-cache.json',
    JSON_CT,
    true,
    [
      bedrock({
        usage: { inputTokens: 412 + 2048, outputTokens: 96 }, // cache reads are reported apart from inputTokens
        text: 'Need the weather first.I\'ll look that up.{"city":"Seattle","unit":"celsius"}{"timezone":"America/Los_Angeles"}',
        aborted: false,
        toolCalls: { get_weather: 1, get_time: 1 },
      }),
    ],
  ],
  [
    'bedrock-converse/stream-tool.sse',
    SSE,
    true,
    [
      bedrock({
        usage: { inputTokens: 356, outputTokens: 58 },
        text: 'Let me check the calendar.{"day": "2025-03-14"}',
        aborted: false,
        toolCalls: { list_events: 1 },
      }),
    ],
  ],
  ['bedrock-converse/stream.ndjson', NDJSON, true, [BONJOUR]],
  ['bedrock-converse/stream.ndjson', JSON_CT, true, [BONJOUR]], // NDJSON mislabelled as JSON
  ['bedrock-converse/stream-named-events.sse', SSE, true, [BONJOUR]],
  ['bedrock-converse/stream-aborted.ndjson', NDJSON, true, [bedrock({ text: 'Bonjour tout le monde', aborted: true })]],
  ['bedrock-converse/stream-exception.ndjson', NDJSON, true, []],
  // ---- Gemini / Vertex ----
  [
    'gemini/body.json',
    JSON_CT,
    true,
    [
      gem({
        id: 'mHjTaKmVCpq8z7IP8tq3kQ4',
        model: 'gemini-2.5-flash',
        usage: { inputTokens: 2113, outputTokens: 42 + 231 }, // cached content is inside promptTokenCount
        text: "Short answer: yes. The cached contract allows early termination with 30 days' notice (section 12.2).",
        aborted: false,
      }),
    ],
  ],
  [
    'gemini/stream.sse',
    SSE,
    true,
    [
      gem({
        id: 'Xk3TaO2fJ4eHz7IPpcS-0Qc',
        model: 'gemini-2.5-pro',
        usage: { inputTokens: 9, outputTokens: 14 + 87 }, // cumulative on every chunk: the last one, not a sum
        text: '**Counting the animals**\n\nThe user asks for a list.Cat, dog, horse and a very patient tortoise.',
        aborted: false,
      }),
    ],
  ],
  [
    'gemini/stream-array-tool.json',
    JSON_CT,
    true,
    [
      gem({
        id: '2cTTaL7xNo-Yz7IPxM7d8Qg',
        model: 'gemini-2.0-flash-001',
        usage: { inputTokens: 58, outputTokens: 19 },
        text: 'Checking the forecast{"city":"Lisbon","days":3}',
        aborted: false,
        toolCalls: { get_forecast: 1 },
      }),
    ],
  ],
  [
    // cut inside the second element: the first element's prompt-only usage is not a usage
    'gemini/stream-array-aborted.json',
    JSON_CT,
    true,
    [
      gem({
        id: '2cTTaL7xNo-Yz7IPxM7d8Qg',
        model: 'gemini-2.0-flash-001',
        text: 'Checking the forecast',
        aborted: true,
      }),
    ],
  ],
  [
    'gemini/blocked.json',
    JSON_CT,
    true,
    [
      gem({
        id: '8dPTaOqZGZ6xz7IPkdW7mQs',
        model: 'gemini-2.0-flash',
        usage: { inputTokens: 17, outputTokens: 0 },
        text: '',
        aborted: false,
      }),
    ],
  ],
  // ---- Ollama ----
  [
    'ollama/chat.ndjson',
    NDJSON,
    true,
    [
      oll({
        model: 'llama3.2',
        usage: { inputTokens: 26, outputTokens: 282 },
        text: 'The sky is blue',
        aborted: false,
      }),
    ],
  ],
  [
    'ollama/generate-thinking.ndjson',
    NDJSON,
    true,
    [
      oll({
        model: 'gpt-oss:20b',
        usage: { inputTokens: 72, outputTokens: 38 },
        text: 'User wants three words.Fluffy, quick, curious.',
        aborted: false,
      }),
    ],
  ],
  [
    'ollama/chat-tools.ndjson',
    NDJSON,
    true,
    [
      oll({
        model: 'qwen3:8b',
        usage: { inputTokens: 212, outputTokens: 61 },
        text: '',
        aborted: false,
        toolCalls: { get_current_weather: 2 },
      }),
    ],
  ],
  ['ollama/chat-aborted.ndjson', NDJSON, true, [oll({ model: 'llama3.2', text: 'Once upon a time', aborted: true })]],
  [
    'ollama/chat-cached-prompt.ndjson',
    NDJSON,
    true,
    [oll({ model: 'llama3.2', usage: { inputTokens: 0, outputTokens: 5 }, text: 'Again: 42.', aborted: false })],
  ],
  [
    'ollama/body.json',
    JSON_CT,
    true,
    [
      oll({
        model: 'mistral-small3.1',
        usage: { inputTokens: 48, outputTokens: 14 },
        text: 'The meeting is moved to Thursday at 10:00.',
        aborted: false,
      }),
    ],
  ],
  // ---- Vercel AI SDK ----
  [
    'ai-sdk/data-stream-two-steps.txt',
    TEXT,
    true,
    [
      sdk({
        id: 'msg-3pQk9VwXyZ1aB2cD4eF5gH6j',
        usage: { inputTokens: 882, outputTokens: 35 }, // d: total, not d: + the two e: steps
        text: 'Let me look that up.{"city":"Berlin"}It\'s 7 °C and overcast in Berlin.',
        aborted: false,
        toolCalls: { getWeather: 1 }, // the a: result (even naming the tool) is not a call
      }),
    ],
  ],
  [
    'ai-sdk/data-stream-no-total.txt',
    TEXT,
    true,
    [
      sdk({
        id: 'msg-Qw8Er7Ty6Ui5Op4As3Df2Gh1',
        usage: { inputTokens: 301 + 377, outputTokens: 19 + 8 }, // no d: → the steps summed
        text: '{"q":"pto policy"}You get 25 days.',
        aborted: true,
        toolCalls: { searchDocs: 1 }, // b: start + 9: call = one call
      }),
    ],
  ],
  [
    'ai-sdk/data-stream-null-usage.txt',
    TEXT,
    true,
    [sdk({ id: 'msg-Nn1Aa2Bb3Cc4Dd5Ee6Ff7Gg8', text: 'Short question.Yes.', aborted: false })],
  ],
  ['ai-sdk/data-stream-error.txt', TEXT, true, []],
  ['ai-sdk/ui-stream.sse', SSE, true, [sdk({ text: 'Hello! How can I help today?', aborted: false })]],
  [
    'ai-sdk/ui-stream-metadata-tools.sse',
    SSE,
    true,
    [
      sdk({
        id: 'msg_aY3bZ4cX5dW6eV7fU8gT9hS0',
        model: 'gpt-4.1-mini',
        usage: { inputTokens: 1290, outputTokens: 74 },
        text: 'Need flights.{"from":"OSL","to":"LIS"}TP1351 is cheapest at €189.',
        aborted: false,
        toolCalls: { searchFlights: 1 },
      }),
    ],
  ],
  [
    'ai-sdk/ui-stream-aborted.sse',
    SSE,
    true,
    [sdk({ id: 'msg_Ab1Cd2Ef3Gh4Ij5Kl6Mn7Op8', text: 'Chapter one: it was a', aborted: true })],
  ],
  // ---- usage objects anywhere (agent runs, jobs) ----
  [
    'usage-json/job-poll-1.json',
    JSON_CT,
    true,
    [
      rec(JOB, {
        model: 'claude-sonnet-4-20250514',
        usage: { inputTokens: 1204, outputTokens: 88 },
        runStatus: 'running',
        runName: 'Triage inbox',
        toolCalls: { 'gmail.search': 1 },
      }),
    ],
  ],
  [
    'usage-json/job-poll-3.json',
    JSON_CT,
    true,
    [
      rec(JOB, {
        model: 'claude-sonnet-4-20250514',
        usage: { inputTokens: 9127, outputTokens: 640 },
        runStatus: 'completed',
        runName: 'Triage inbox',
        toolCalls: { 'gmail.search': 1, 'gmail.read': 2, 'gmail.label': 1 },
      }),
    ],
  ],
  [
    // 3 runs with usage; the 4th (requires_action, usage null) is no record. Tool definitions are not calls.
    'usage-json/runs-list.json',
    JSON_CT,
    true,
    [
      rec('run_Aq1Ws2Ed3Rf4Tg5Yh6Uj7Ik8', {
        model: 'gpt-4o-2024-08-06',
        usage: { inputTokens: 1815, outputTokens: 96 },
        runStatus: 'completed',
      }),
      rec('run_Bz9Xc8Vb7Nm6Ml5Kj4Hg3Fd2', {
        model: 'gpt-4o-2024-08-06',
        usage: { inputTokens: 642, outputTokens: 0 },
        runStatus: 'failed',
      }),
      rec('run_Cp0Oi9Uy8Tr7Ee6Ww5Qq4Aa3', {
        model: 'gpt-4o-2024-08-06',
        usage: { inputTokens: 930, outputTokens: 41 },
        runStatus: 'cancelled',
      }),
    ],
  ],
  [
    'usage-json/run-steps-list.json',
    JSON_CT,
    true,
    [
      rec('step_Ge5Hr6Ju7Ki8Lo9Pa0Sd1Fg2', {
        usage: { inputTokens: 1203, outputTokens: 48 },
        runStatus: 'completed',
        toolCalls: { get_order: 1 },
      }),
      rec('step_Hw3Je4Kr5Lt6Zy7Xu8Ci9Vo0', { usage: { inputTokens: 612, outputTokens: 48 }, runStatus: 'completed' }),
    ],
  ],
  [
    // only the run has id + usage: every tool-call shape inside its steps counts for it (names only)
    'usage-json/run-with-steps.json',
    JSON_CT,
    true,
    [
      rec('run_7f3a9c2e', {
        model: 'gpt-4.1',
        usage: { inputTokens: 15230, outputTokens: 1874 },
        runStatus: 'completed',
        runName: 'Weekly sales report',
        toolCalls: { sql_query: 3, 'chart.render': 1, send_slack: 1, fetch_crm: 2 },
      }),
    ],
  ],
  [
    // nested records are their own; each tool call belongs to the nearest record around it
    'usage-json/run-nested-records.json',
    JSON_CT,
    true,
    [
      // One record: the children's usage is already inside the parent's (3,400 = 1,150 + 2,250), so
      // reporting them as well would double count. Their tool calls are the run's.
      rec('90211', {
        usage: { inputTokens: 3000, outputTokens: 400 },
        runStatus: 'completed',
        runName: 'Nightly eval',
        toolCalls: { plan: 1, grep: 2, read_file: 1 },
      }),
    ],
  ],
  [
    // the same run pushed three times in one stream: its latest snapshot only
    'usage-json/run-events.sse',
    SSE,
    true,
    [
      rec('run_stream_01', {
        usage: { inputTokens: 1400, outputTokens: 132 },
        runStatus: 'completed',
        runName: 'Summarise tickets',
      }),
    ],
  ],
  ['usage-json/unrelated-usage.json', JSON_CT, false, []],
  ['usage-json/usage-no-id.json', JSON_CT, false, []],
  ['usage-json/chat-history.json', JSON_CT, false, []], // transcript messages (role) were counted when they streamed
];

describe('more wire fixtures', () => {
  it.each(rows)('%s as %s (recognised %s)', (file, contentType, recognised, expected) => {
    const p = createBodyParser(contentType)!;
    p.push(fixture(file));
    const turns = p.finish(false);
    expect(plain(turns)).toEqual(expected);
    expect(p.recognised).toBe(recognised);
    if (expected[0]) expect(p.format).toBe(expected[0].format);
    for (const t of turns) if (t.toolCalls) expect(Object.getPrototypeOf(t.toolCalls)).toBe(Object.prototype);
  });
});

describe('OpenAI-compatible and streamed-format gotchas', () => {
  it('reads the same Gemini chunks as SSE, as NDJSON lines and as an array', () => {
    const sse = fixture('gemini/stream.sse');
    const chunks = sse
      .split(/\r?\n/)
      .filter((l) => l.startsWith('data: '))
      .map((l) => l.slice(6));
    const want = plain(parseBody(SSE, sse));
    expect(want[0]?.usage).toEqual({ inputTokens: 9, outputTokens: 101 });
    expect(plain(parseBody(NDJSON, chunks.join('\n')))).toEqual(want);
    expect(plain(parseBody(JSON_CT, `[${chunks.join(',\r\n')}]`))).toEqual(want);
    expect(plain(parseBody(JSON_CT, `  \n[${chunks.join(',')}]\n`))).toEqual(want);
  });

  it('an aborted Gemini array stream keeps the complete elements and is marked aborted', () => {
    const body = fixture('gemini/stream-array-tool.json');
    const p = createBodyParser(JSON_CT)!;
    p.push(body.slice(0, body.indexOf('"functionCall"')));
    expect(plain(p.finish(true))).toEqual([
      gem({
        id: '2cTTaL7xNo-Yz7IPxM7d8Qg',
        model: 'gemini-2.0-flash-001',
        text: 'Checking the forecast',
        aborted: true,
      }),
    ]);
    expect(p.format).toBe('gemini');
  });

  it('an old v4 data stream without f: lines still reads (text before any object line)', () => {
    const body = '0:"Hi"\n0:" there"\ne:{"finishReason":"stop","usage":{"promptTokens":5,"completionTokens":2}}\n';
    expect(
      plain(parseBody(TEXT, `${body}d:{"finishReason":"stop","usage":{"promptTokens":5,"completionTokens":2}}\n`)),
    ).toEqual([sdk({ usage: { inputTokens: 5, outputTokens: 2 }, text: 'Hi there', aborted: false })]);
    // a step without usage voids the sum: an undercount would pass for exact
    const partial = `${body}e:{"finishReason":"stop","usage":{"promptTokens":null,"completionTokens":null}}\n`;
    expect(plain(parseBody(TEXT, partial))[0]?.usage).toBeUndefined();
  });

  it('does not claim plain text, the AI SDK text stream or look-alike lines', () => {
    for (const body of [
      'Hello there, this is a plain text stream.\nSecond line.\n',
      'Note: the meeting moved.\na: hello\n1: first item\n',
      'x:yz\n0:\n',
    ]) {
      const p = createBodyParser(TEXT)!;
      p.push(body);
      expect(p.finish(false)).toEqual([]);
      expect(p.recognised).toBe(false);
    }
  });

  it('does not mistake look-alike app data for a format', () => {
    const bodies: [string, string][] = [
      [NDJSON, '{"id":1,"title":"Buy milk","done":false,"created_at":"2025-01-01T10:00:00Z"}\n'],
      [JSON_CT, '{"id":1,"title":"Buy milk","done":true,"created_at":"2025-01-01T10:00:00Z"}'],
      [JSON_CT, '{"job":"Engineer","candidates":[{"name":"Ada","score":0.9}],"total":1}'],
      [JSON_CT, '{"output":{"message":{"level":"info","text":"Saved"}},"ok":true}'],
      [SSE, 'data: {"type":"start"}\n\ndata: {"type":"finish"}\n\n'],
    ];
    for (const [ct, body] of bodies) {
      const p = createBodyParser(ct)!;
      p.push(body);
      expect([body, p.finish(false), p.recognised]).toEqual([body, [], false]);
    }
  });

  it('a non-streamed Ollama reply sent as one NDJSON line is one turn', () => {
    const line = JSON.stringify(JSON.parse(fixture('ollama/body.json')));
    expect(plain(parseBody(NDJSON, `${line}\n`))).toEqual([
      oll({
        model: 'mistral-small3.1',
        usage: { inputTokens: 48, outputTokens: 14 },
        text: 'The meeting is moved to Thursday at 10:00.',
        aborted: false,
      }),
    ]);
  });

  it('an Ollama stream cut before done:true is aborted and estimated', () => {
    const [t] = parseBody(NDJSON, fixture('ollama/chat-aborted.ndjson'));
    expect(t?.usage).toBeUndefined();
    expect(t?.aborted).toBe(true);
    expect(t?.estimatedOutputTokens).toBe(4); // "Once upon a time"
  });
});

describe('tool-call counting', () => {
  const chunk = (calls: unknown[]) =>
    `data: ${JSON.stringify({ id: 'chatcmpl-t', object: 'chat.completion.chunk', model: 'm', choices: [{ index: 0, delta: { tool_calls: calls } }] })}\n\n`;

  it('counts a name once per call even when a server repeats it on every delta', () => {
    const body =
      chunk([{ index: 0, id: 'call_a', type: 'function', function: { name: 'search', arguments: '' } }]) +
      chunk([{ index: 0, function: { name: 'search', arguments: '{"q":' } }]) +
      chunk([{ index: 0, id: 'call_a', function: { name: 'search', arguments: '1}' } }]) +
      // Open WebUI converts Ollama calls all with index 0: told apart by their ids
      chunk([{ index: 0, id: 'call_b', type: 'function', function: { name: 'search', arguments: '{}' } }]);
    expect(parseBody(SSE, body)[0]?.toolCalls).toEqual({ search: 2 });
  });

  it('never keys by __proto__ / constructor / prototype, caps 64 names of 80 characters', () => {
    const names = ['__proto__', 'constructor', 'prototype', 'x'.repeat(200)];
    for (let i = 0; i < 100; i++) names.push(`tool_${i}`);
    const body = names.map((n, i) => chunk([{ index: i, id: `c${i}`, function: { name: n, arguments: '' } }])).join('');
    const calls = parseBody(SSE, body)[0]?.toolCalls ?? {};
    expect(Object.keys(calls)).toHaveLength(64);
    expect(calls['x'.repeat(80)]).toBe(1);
    expect(Object.hasOwn(calls, '__proto__')).toBe(false);
    expect(Object.hasOwn(calls, 'constructor')).toBe(false);
    expect(Object.getPrototypeOf(calls)).toBe(Object.prototype);
  });

  it('never counts arguments: a tool call whose arguments look like calls is one call', () => {
    const args = JSON.stringify({ function: { name: 'evil', arguments: '' }, tool_name: 'evil' });
    const body = JSON.stringify({
      id: 'run_1',
      usage: { input_tokens: 1, output_tokens: 1 },
      tool_calls: [{ id: 'c', type: 'function', function: { name: 'safe', arguments: args } }],
    });
    expect(parseBody(JSON_CT, body)[0]?.toolCalls).toEqual({ safe: 1 });
  });
});

describe('usage objects anywhere (usage-json)', () => {
  it('a job polled three times: the same id every time, each body its own snapshot', () => {
    const got = [1, 2, 3].map((i) => parseBody(JSON_CT, fixture(`usage-json/job-poll-${i}.json`)));
    expect(got.map((t) => t.length)).toEqual([1, 1, 1]);
    expect(got.map(([t]) => t?.id)).toEqual([JOB, JOB, JOB]);
    expect(got.map(([t]) => t?.usage)).toEqual([
      { inputTokens: 1204, outputTokens: 88 },
      { inputTokens: 5410, outputTokens: 312 },
      { inputTokens: 9127, outputTokens: 640 },
    ]);
    expect(got.map(([t]) => t?.runStatus)).toEqual(['running', 'running', 'completed']);
    expect(got[1]![0]?.toolCalls).toEqual({ 'gmail.search': 1, 'gmail.read': 2 });
    expect(got.every(([t]) => t?.snapshot === true)).toBe(true);
  });

  it('maps status / state words, names (≤ 200 characters) and numeric ids', () => {
    const cases: [string, string | undefined][] = [
      ['queued', 'running'],
      ['IN_PROGRESS', 'running'],
      ['pending', 'running'],
      ['requires_action', 'running'],
      ['Succeeded', 'completed'],
      ['success', 'completed'],
      ['done', 'completed'],
      ['finished', 'completed'],
      ['error', 'failed'],
      ['expired', 'failed'],
      ['canceled', 'cancelled'],
      ['cancelling', 'cancelled'],
      ['aborted', 'cancelled'],
      ['stopped', 'cancelled'],
      ['paused', undefined],
      ['constructor', undefined],
    ];
    for (const [status, want] of cases) {
      const [t] = parseBody(
        JSON_CT,
        JSON.stringify({ id: 7, state: status, usage: { inputTokens: 1, outputTokens: 2 } }),
      );
      expect([status, t?.runStatus]).toEqual([status, want]);
      expect(t?.id).toBe('7');
    }
    const [t] = parseBody(
      JSON_CT,
      JSON.stringify({ id: 'r', name: 'n'.repeat(500), usage: { promptTokens: 1, completionTokens: 2 } }),
    );
    expect(t?.runName).toHaveLength(200);
  });

  it('reads every known usage spelling', () => {
    const usages = [
      { prompt_tokens: 3, completion_tokens: 4 },
      { input_tokens: 3, output_tokens: 4 },
      { inputTokens: 3, outputTokens: 4 },
      { promptTokens: 3, completionTokens: 4 },
      { promptTokenCount: 3, candidatesTokenCount: 4 },
    ];
    for (const usage of usages) {
      expect(parseBody(JSON_CT, JSON.stringify({ id: 'x', usage }))[0]?.usage).toEqual({
        inputTokens: 3,
        outputTokens: 4,
      });
    }
  });

  it('a JSON array of runs and NDJSON run lines are records too', () => {
    const run = (id: string, n: number) => ({ id, status: 'completed', usage: { input_tokens: n, output_tokens: 1 } });
    const arr = JSON.stringify([run('a', 1), run('b', 2)]);
    expect(parseBody(JSON_CT, arr).map((t) => [t.id, t.usage?.inputTokens])).toEqual([
      ['a', 1],
      ['b', 2],
    ]);
    const nd = `${JSON.stringify(run('a', 1))}\n${JSON.stringify(run('b', 2))}\n${JSON.stringify(run('a', 5))}\n`;
    expect(parseBody(NDJSON, nd).map((t) => [t.id, t.usage?.inputTokens])).toEqual([
      ['a', 5],
      ['b', 2],
    ]);
  });

  it('specific formats win over the usage walk', () => {
    expect(parseBody(JSON_CT, fixture('openai-chat/body.json'))[0]?.format).toBe('openai-chat');
    expect(parseBody(JSON_CT, fixture('anthropic-messages/body.json'))[0]?.format).toBe('anthropic-messages');
    // a Responses background poll: claimed (no turn yet), not turned into a usage-json record
    expect(parseBody(JSON_CT, fixture('openai-responses/body-in-progress.json'))).toEqual([]);
  });

  it('walks at most 8 levels deep', () => {
    let deep: unknown = { id: 'deep', usage: { input_tokens: 1, output_tokens: 1 } };
    for (let i = 0; i < 8; i++) deep = { wrap: deep };
    expect(parseBody(JSON_CT, JSON.stringify(deep))).toHaveLength(1); // the record at depth 8
    expect(parseBody(JSON_CT, JSON.stringify({ wrap: deep }))).toEqual([]); // depth 9
  });

  it('a huge JSON: bounded walk, no throw, fast', () => {
    const item = (i: number) => ({ id: `row_${i}`, tags: [{ k: 'a' }, { k: 'b' }], meta: { usage: 'n/a' } });
    const rows = Array.from({ length: 60_000 }, (_, i) => item(i));
    rows.push({ id: 'run_last', usage: { input_tokens: 5, output_tokens: 5 } } as never);
    const nested = `${'['.repeat(50_000)}{"id":"n","usage":{"input_tokens":1,"output_tokens":1}}${']'.repeat(50_000)}`;
    const body = `{"nested":${nested},${JSON.stringify({ data: rows }).slice(1)}`;
    const t0 = performance.now();
    let turns: ParsedTurn[] = [];
    expect(() => (turns = parseBody(JSON_CT, body))).not.toThrow();
    expect(turns).toEqual([]); // past the 5,000-node budget: not found, and nothing invented
    expect(performance.now() - t0).toBeLessThan(2000);
    // the same record near the top is found; a deeply nested array body is no trouble either
    expect(parseBody(JSON_CT, JSON.stringify({ data: rows.slice(-2) }))).toHaveLength(1);
    expect(parseBody(JSON_CT, nested)).toEqual([]);
  });
});
