import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startDemo, type DemoServer, type UsageLogEntry } from '../demo/server.ts';
import { countInputTokens, demoReply, demoTitle, splitPieces } from '../demo/replies.ts';
import { planJob, toolCallTokens, toolResultTokens, type AgentJob } from '../demo/agents.ts';

interface SseEvent {
  event?: string;
  data: string;
}

function parseSse(text: string): SseEvent[] {
  const out: SseEvent[] = [];
  for (const block of text.split('\n\n')) {
    if (block.trim() === '') continue;
    let event: string | undefined;
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith('event: ')) event = line.slice(7);
      else if (line.startsWith('data: ')) data.push(line.slice(6));
    }
    out.push({ event, data: data.join('\n') });
  }
  return out;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

let demo: DemoServer;
let chat: string;

beforeAll(async () => {
  demo = await startDemo({ quiet: true });
  chat = demo.chatUrl.replace(/\/$/, '');
});
afterAll(async () => {
  await demo?.close();
});
beforeEach(() => {
  demo.log.length = 0;
});

function post(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
  signal?: AbortSignal,
): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(body),
    signal,
  });
}

function entryFor(id: string): UsageLogEntry {
  const found = demo.log.filter((e) => e.id === id);
  expect(found).toHaveLength(1);
  return found[0]!;
}

async function waitFor<T>(fn: () => T | undefined, timeoutMs = 5000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

const PROMPT = 'How should we roll out AI tools to the support team?';
const MESSAGES = [
  { role: 'system', content: 'You are Acme Assist.' },
  { role: 'user', content: PROMPT },
];

describe('demo server: basics', () => {
  it('listens on 127.0.0.1 for the UI and exposes the API on a different (localhost) origin', () => {
    const ui = new URL(demo.chatUrl);
    const api = new URL(demo.apiOrigin);
    expect(ui.hostname).toBe('127.0.0.1');
    expect(demo.chatUrl.endsWith('/')).toBe(true);
    expect(api.hostname).toBe('localhost');
    expect(api.port).not.toBe(ui.port);
    expect(api.origin).not.toBe(ui.origin);
  });

  it('serves the UI with the API origin injected, plus the bench page and config', async () => {
    const html = await (await fetch(demo.chatUrl)).text();
    expect(html).toContain('id="prompt"');
    expect(html).toContain(JSON.stringify(demo.apiOrigin));
    for (const p of ['/app.js', '/style.css', '/bench', '/bench.js', '/favicon.svg']) {
      const res = await fetch(chat + p);
      expect(res.status, p).toBe(200);
    }
    const config: Json = await (await fetch(`${chat}/__demo/config`)).json();
    expect(config.apiOrigin).toBe(demo.apiOrigin);
    expect((await fetch(`${chat}/../server.ts`)).status).toBe(404);
  });

  it('counts input tokens as words + 4 per message, deterministically', () => {
    expect(countInputTokens(['one two three'])).toBe(7);
    expect(countInputTokens(['You are Acme Assist.', PROMPT])).toBe(4 + 4 + 11 + 4);
    expect(demoReply(PROMPT)).toBe(demoReply(PROMPT));
    expect(demoReply('something else entirely')).not.toBe(demoReply(PROMPT));
    expect(
      splitPieces(demoReply(PROMPT), false)
        .map((p) => p.text)
        .join(''),
    ).toBe(demoReply(PROMPT));
  });

  it('GET /__demo/log returns the log and POST /__demo/log/clear empties it', async () => {
    await (await post(`${chat}/v1/chat/completions?delayMs=0`, { messages: MESSAGES })).json();
    const log: Json[] = await (await fetch(`${chat}/__demo/log`)).json();
    expect(log).toHaveLength(1);
    expect(log[0]).toEqual(demo.log[0]);
    const cleared = await fetch(`${chat}/__demo/log/clear`, { method: 'POST' });
    expect(cleared.status).toBe(200);
    expect(demo.log).toHaveLength(0);
    expect(await (await fetch(`${chat}/__demo/log`)).json()).toEqual([]);
  });

  it('rejects bad JSON with a 400 and can simulate API errors with ?error=', async () => {
    const bad = await fetch(`${chat}/v1/chat/completions`, { method: 'POST', body: '{nope' });
    expect(bad.status).toBe(400);
    const forced = await post(`${chat}/v1/messages?error=529`, { messages: MESSAGES, stream: true });
    expect(forced.status).toBe(529);
    const body: Json = await forced.json();
    expect(body).toMatchObject({ type: 'error', error: { type: 'overloaded_error' } });
    expect(demo.log).toHaveLength(0);
  });
});

describe('POST /v1/chat/completions', () => {
  it('non-streamed: one JSON body with usage matching the log', async () => {
    const res = await post(`${chat}/v1/chat/completions?delayMs=0`, { model: 'acme-gpt', messages: MESSAGES });
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const j: Json = await res.json();
    expect(j.id).toMatch(/^chatcmpl-/);
    expect(j.object).toBe('chat.completion');
    expect(typeof j.created).toBe('number');
    expect(j.model).toBe('acme-gpt');
    expect(j.choices).toHaveLength(1);
    expect(j.choices[0]).toMatchObject({ index: 0, message: { role: 'assistant' }, finish_reason: 'stop' });
    expect(j.choices[0].message.content).toBe(demoReply(PROMPT));
    const e = entryFor(j.id);
    expect(e).toMatchObject({
      route: '/v1/chat/completions',
      format: 'openai-chat',
      model: 'acme-gpt',
      usageSent: true,
      aborted: false,
      origin: 'same',
    });
    expect(j.usage.prompt_tokens).toBe(e.inputTokens);
    expect(j.usage.completion_tokens).toBe(e.outputTokens);
    expect(j.usage.total_tokens).toBe(e.inputTokens + e.outputTokens);
    expect(e.inputTokens).toBe(countInputTokens(['You are Acme Assist.', PROMPT]));
    expect(e.outputTokens).toBe(splitPieces(demoReply(PROMPT), false).length);
  });

  it('streamed with include_usage: role chunk, one chunk per token, stop chunk, usage chunk, [DONE]', async () => {
    const res = await post(`${chat}/v1/chat/completions?delayMs=0`, {
      messages: MESSAGES,
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events = parseSse(await res.text());
    expect(events.at(-1)!.data).toBe('[DONE]');
    const chunks: Json[] = events.slice(0, -1).map((e) => JSON.parse(e.data));
    for (const c of chunks) {
      expect(c.object).toBe('chat.completion.chunk');
      expect(c.id).toBe(chunks[0].id);
      expect(c.model).toBe('demo-gpt-4o');
      expect('usage' in c).toBe(true);
    }
    expect(chunks[0].choices[0]).toMatchObject({
      index: 0,
      delta: { role: 'assistant', content: '' },
      finish_reason: null,
    });
    const usageChunk = chunks.at(-1);
    const stopChunk = chunks.at(-2);
    const contentChunks = chunks.slice(1, -2);
    expect(stopChunk.choices[0]).toMatchObject({ delta: {}, finish_reason: 'stop' });
    expect(stopChunk.usage).toBeNull();
    expect(usageChunk.choices).toEqual([]);
    for (const c of contentChunks) {
      expect(c.usage).toBeNull();
      expect(c.choices[0].finish_reason).toBeNull();
      expect(typeof c.choices[0].delta.content).toBe('string');
    }
    const text = contentChunks.map((c) => c.choices[0].delta.content).join('');
    expect(text).toBe(demoReply(PROMPT));

    const e = entryFor(chunks[0].id);
    expect(e).toMatchObject({ format: 'openai-chat', usageSent: true, aborted: false, origin: 'same' });
    expect(usageChunk.usage.prompt_tokens).toBe(e.inputTokens);
    expect(usageChunk.usage.completion_tokens).toBe(e.outputTokens);
    expect(usageChunk.usage.total_tokens).toBe(e.inputTokens + e.outputTokens);
    expect(e.outputTokens).toBe(contentChunks.length);
  });

  it('streamed without include_usage: no usage on the wire, logged usageSent false', async () => {
    const res = await post(`${chat}/v1/chat/completions?delayMs=0`, { messages: MESSAGES, stream: true });
    const events = parseSse(await res.text());
    expect(events.at(-1)!.data).toBe('[DONE]');
    const chunks: Json[] = events.slice(0, -1).map((e) => JSON.parse(e.data));
    for (const c of chunks) expect('usage' in c).toBe(false);
    expect(chunks.at(-1).choices[0].finish_reason).toBe('stop');
    const e = entryFor(chunks[0].id);
    expect(e.usageSent).toBe(false);
    expect(e.aborted).toBe(false);
    expect(e.outputTokens).toBe(chunks.length - 2);
  });

  it('is deterministic for the same prompt, with a fresh id per request', async () => {
    const a: Json = await (await post(`${chat}/v1/chat/completions?delayMs=0`, { messages: MESSAGES })).json();
    const b: Json = await (await post(`${chat}/v1/chat/completions?delayMs=0`, { messages: MESSAGES })).json();
    const c: Json = await (
      await post(`${chat}/v1/chat/completions?delayMs=0`, { messages: [{ role: 'user', content: 'Draft a reminder' }] })
    ).json();
    expect(a.choices[0].message.content).toBe(b.choices[0].message.content);
    expect(a.usage).toEqual(b.usage);
    expect(a.id).not.toBe(b.id);
    expect(c.choices[0].message.content).not.toBe(a.choices[0].message.content);
  });

  it('?bytes=N streams about N bytes in 1-4 KB deltas with a reasonable token count', async () => {
    const res = await post(`${chat}/v1/chat/completions?bytes=200000`, {
      messages: MESSAGES,
      stream: true,
      stream_options: { include_usage: true },
    });
    const events = parseSse(await res.text());
    const chunks: Json[] = events.slice(0, -1).map((e) => JSON.parse(e.data));
    const contents: string[] = chunks.slice(1, -2).map((c) => c.choices[0].delta.content);
    const text = contents.join('');
    expect(Buffer.byteLength(text)).toBe(200000);
    for (const c of contents.slice(0, -1)) {
      expect(c.length).toBeGreaterThanOrEqual(1024);
      expect(c.length).toBeLessThanOrEqual(4096);
    }
    const usage = chunks.at(-1).usage;
    expect(usage.completion_tokens).toBe(50000);
    expect(entryFor(chunks[0].id).outputTokens).toBe(usage.completion_tokens);
  });
});

describe('POST /v1/responses', () => {
  it('streams the Responses API event sequence with usage on response.completed', async () => {
    const res = await post(`${chat}/v1/responses?delayMs=0`, {
      model: 'demo-gpt-4o',
      input: [{ role: 'user', content: PROMPT }],
      stream: true,
    });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events = parseSse(await res.text());
    const datas: Json[] = events.map((e) => JSON.parse(e.data));
    events.forEach((e, i) => {
      expect(e.event).toBe(datas[i].type);
      expect(datas[i].sequence_number).toBe(i);
    });
    const types = datas.map((d) => d.type);
    const deltas = datas.filter((d) => d.type === 'response.output_text.delta');
    expect(types.filter((t) => t !== 'response.output_text.delta')).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(types.indexOf('response.output_text.done')).toBe(4 + deltas.length);
    const created = datas[0].response;
    expect(created.id).toMatch(/^resp_/);
    expect(created.status).toBe('in_progress');
    expect(created.model).toBe('demo-gpt-4o');
    const itemId = datas[2].item.id;
    for (const d of deltas) {
      expect(d).toMatchObject({ item_id: itemId, output_index: 0, content_index: 0 });
      expect(typeof d.delta).toBe('string');
    }
    const text = deltas.map((d) => d.delta).join('');
    expect(text).toBe(demoReply(PROMPT));
    expect(datas.find((d) => d.type === 'response.output_text.done').text).toBe(text);

    const completed = datas.at(-1).response;
    expect(completed.id).toBe(created.id);
    expect(completed.status).toBe('completed');
    const e = entryFor(created.id);
    expect(e).toMatchObject({ route: '/v1/responses', format: 'openai-responses', usageSent: true, aborted: false });
    expect(completed.usage).toEqual({
      input_tokens: e.inputTokens,
      output_tokens: e.outputTokens,
      total_tokens: e.inputTokens + e.outputTokens,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens_details: { reasoning_tokens: 0 },
    });
    expect(e.outputTokens).toBe(deltas.length);
    expect(e.inputTokens).toBe(countInputTokens([PROMPT]));
  });
});

describe('POST /v1/messages', () => {
  it('streams the Anthropic Messages event sequence with usage in message_start and message_delta', async () => {
    const res = await post(`${chat}/v1/messages?delayMs=0`, {
      model: 'demo-claude',
      max_tokens: 1024,
      system: 'You are Acme Assist.',
      messages: [{ role: 'user', content: [{ type: 'text', text: PROMPT }] }],
      stream: true,
    });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events = parseSse(await res.text());
    const datas: Json[] = events.map((e) => JSON.parse(e.data));
    events.forEach((e, i) => expect(e.event).toBe(datas[i].type));
    const deltas = datas.filter((d) => d.type === 'content_block_delta');
    expect(datas.map((d) => d.type).filter((t) => t !== 'content_block_delta')).toEqual([
      'message_start',
      'content_block_start',
      'ping',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    const msg = datas[0].message;
    expect(msg).toMatchObject({
      type: 'message',
      role: 'assistant',
      model: 'demo-claude',
      content: [],
      stop_reason: null,
    });
    expect(msg.id).toMatch(/^msg_/);
    expect(datas[1]).toEqual({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } });
    for (const d of deltas) expect(d).toMatchObject({ index: 0, delta: { type: 'text_delta' } });
    expect(deltas.map((d) => d.delta.text).join('')).toBe(demoReply(PROMPT));
    const md = datas.at(-2);
    expect(md.delta.stop_reason).toBe('end_turn');

    const e = entryFor(msg.id);
    expect(e).toMatchObject({
      route: '/v1/messages',
      format: 'anthropic-messages',
      model: 'demo-claude',
      usageSent: true,
      aborted: false,
    });
    expect(msg.usage).toEqual({ input_tokens: e.inputTokens, output_tokens: 1 });
    expect(md.usage.output_tokens).toBe(e.outputTokens);
    expect(e.outputTokens).toBe(deltas.length);
    expect(e.inputTokens).toBe(countInputTokens(['You are Acme Assist.', PROMPT]));
  });

  it('defaults the model when none is given', async () => {
    const res = await post(`${chat}/v1/messages?delayMs=0`, { messages: MESSAGES.slice(1), stream: true });
    const first: Json = JSON.parse(parseSse(await res.text())[0]!.data);
    expect(first.message.model).toBe('demo-claude');
  });
});

describe('cross-origin API server', () => {
  it('answers the CORS preflight', async () => {
    const res = await fetch(`${demo.apiOrigin}/v1/chat/completions`, {
      method: 'OPTIONS',
      headers: {
        Origin: new URL(demo.chatUrl).origin,
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'content-type',
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-methods')).toContain('POST');
    expect(res.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('content-type');
  });

  it.each([
    [
      '/v1/chat/completions',
      'openai-chat',
      { messages: MESSAGES, stream: true, stream_options: { include_usage: true } },
    ],
    ['/v1/responses', 'openai-responses', { input: PROMPT, stream: true }],
    ['/v1/messages', 'anthropic-messages', { messages: MESSAGES.slice(1), stream: true }],
  ] as const)('serves %s with CORS and logs origin cross', async (route, format, body) => {
    const res = await post(`${demo.apiOrigin}${route}?delayMs=0`, body, { Origin: new URL(demo.chatUrl).origin });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    await res.text();
    expect(demo.log).toHaveLength(1);
    expect(demo.log[0]).toMatchObject({ route, format, origin: 'cross', aborted: false, usageSent: true });
  });

  it('does not serve the UI or the log', async () => {
    expect((await fetch(`${demo.apiOrigin}/__demo/log`)).status).toBe(404);
    expect((await fetch(`${demo.apiOrigin}/app.js`)).status).toBe(404);
  });
});

describe('aborts and replays', () => {
  it.each([
    ['/v1/chat/completions', { messages: MESSAGES, stream: true, stream_options: { include_usage: true } }],
    ['/v1/responses', { input: PROMPT, stream: true }],
    ['/v1/messages', { messages: MESSAGES.slice(1), stream: true }],
  ] as const)(
    '%s: a client abort mid-stream is logged once as aborted with fewer output tokens',
    async (route, body) => {
      const full = splitPieces(demoReply(PROMPT), false).length;
      const controller = new AbortController();
      const res = await post(`${chat}${route}?delayMs=30`, body, {}, controller.signal);
      const reader = res.body!.getReader();
      const decoder = new TextDecoder();
      let seen = '';
      while ((seen.match(/\n\n/g) ?? []).length < 8) {
        const { value, done } = await reader.read();
        if (done) break;
        seen += decoder.decode(value, { stream: true });
      }
      controller.abort();
      await reader.cancel().catch(() => {});
      const entry = await waitFor(() => demo.log[0]);
      await new Promise((r) => setTimeout(r, 150)); // nothing more is logged later
      expect(demo.log).toHaveLength(1);
      expect(entry.aborted).toBe(true);
      expect(entry.usageSent).toBe(false);
      expect(entry.outputTokens).toBeGreaterThan(0);
      expect(entry.outputTokens).toBeLessThan(full);
    },
  );

  it.each([
    ['/v1/chat/completions', { messages: MESSAGES }],
    ['/v1/chat/completions', { messages: MESSAGES, stream: true }],
    ['/v1/responses', { input: PROMPT, stream: true }],
    ['/v1/messages', { messages: MESSAGES.slice(1), stream: true }],
  ] as const)('%s: x-demo-replay reuses the given id', async (route, body) => {
    const first = await post(`${chat}${route}?delayMs=0`, body);
    const firstText = await first.text();
    const id = demo.log[0]!.id;
    expect(firstText).toContain(id);
    const again = await post(`${chat}${route}?delayMs=0`, body, { 'x-demo-replay': id });
    const againText = await again.text();
    expect(demo.log).toHaveLength(2);
    expect(demo.log[1]!.id).toBe(id);
    expect(againText).toContain(id);
    // Same prompt and same id: byte-identical apart from timestamps.
    const strip = (s: string): string => s.replace(/"(created|created_at)":\d+/g, '');
    expect(strip(againText)).toBe(strip(firstText));
  });
});

describe('kind and the hidden auto-title call', () => {
  const TITLE_PROMPT = 'Write a 3-5 word title for this conversation. Reply with the title only.';
  const titleMessages = [
    { role: 'system', content: TITLE_PROMPT },
    { role: 'user', content: PROMPT },
    { role: 'assistant', content: demoReply(PROMPT) },
  ];

  it('makes deterministic 3-5 word titles', () => {
    expect(demoTitle(PROMPT)).toBe('Roll Out AI Tools Support');
    expect(demoTitle('hi')).toBe('Hi Quick Question');
    for (const p of [PROMPT, 'Summarise the key points from our Q3 planning notes', 'x', '']) {
      const n = demoTitle(p).split(' ').length;
      expect(n).toBeGreaterThanOrEqual(3);
      expect(n).toBeLessThanOrEqual(5);
    }
  });

  it('an x-demo-kind: title request answers with a title and is logged as kind title, with exact usage', async () => {
    const res = await post(
      `${chat}/v1/chat/completions?delayMs=0`,
      { model: 'demo-gpt-4o-mini', messages: titleMessages, stream: false, max_tokens: 16 },
      { 'x-demo-kind': 'title' },
    );
    const j: Json = await res.json();
    expect(j.choices[0].message.content).toBe(demoTitle(PROMPT));
    const e = entryFor(j.id);
    expect(e).toMatchObject({ kind: 'title', format: 'openai-chat', model: 'demo-gpt-4o-mini', usageSent: true });
    expect(j.usage.prompt_tokens).toBe(e.inputTokens);
    expect(j.usage.completion_tokens).toBe(e.outputTokens);
    expect(e.inputTokens).toBe(countInputTokens(titleMessages.map((m) => m.content)));
    expect(e.outputTokens).toBe(demoTitle(PROMPT).split(' ').length);
  });

  it('body metadata.kind = "title" works too (cross-origin, header allowed by CORS); normal turns are kind chat', async () => {
    const pre = await fetch(`${demo.apiOrigin}/v1/chat/completions`, {
      method: 'OPTIONS',
      headers: {
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'content-type,x-demo-kind',
      },
    });
    expect(pre.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('x-demo-kind');
    const t: Json = await (
      await post(`${demo.apiOrigin}/v1/chat/completions?delayMs=0`, {
        messages: titleMessages,
        metadata: { kind: 'title' },
      })
    ).json();
    expect(entryFor(t.id)).toMatchObject({ kind: 'title', origin: 'cross' });
    const c: Json = await (await post(`${chat}/v1/chat/completions?delayMs=0`, { messages: MESSAGES })).json();
    expect(entryFor(c.id).kind).toBe('chat');
  });

  it('the chat UI makes the title call after the first reply (and can be told not to)', async () => {
    const js = await (await fetch(`${chat}/app.js`)).text();
    expect(js).toContain("'x-demo-kind': 'title'");
    expect(js).toContain('autotitle');
    const html = await (await fetch(demo.chatUrl)).text();
    for (const v of ['ollama', 'ollama-generate', 'ai-sdk-data', 'ai-sdk-data-steps']) {
      expect(html).toContain(`<option value="${v}">`);
    }
    expect(html).toContain('id="agents-link"');
    expect(html).toContain(JSON.stringify(demo.agentUrl));
  });
});

function ndjson(text: string): Json[] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l));
}

describe('Ollama /api/chat and /api/generate', () => {
  it('/api/chat streams NDJSON by default; the final line carries prompt_eval_count / eval_count = the log', async () => {
    const res = await post(`${chat}/api/chat?delayMs=0`, { model: 'llama3.2:3b', messages: MESSAGES });
    expect(res.headers.get('content-type')).toBe('application/x-ndjson');
    const id = res.headers.get('x-demo-response-id')!;
    expect(id).toMatch(/^ollama-/);
    const lines = ndjson(await res.text());
    const last = lines.at(-1);
    const body = lines.slice(0, -1);
    for (const l of body) {
      expect(Object.keys(l)).toEqual(['model', 'created_at', 'message', 'done']);
      expect(l).toMatchObject({ model: 'llama3.2:3b', message: { role: 'assistant' }, done: false });
      expect(new Date(l.created_at).toISOString()).toBe(l.created_at);
    }
    expect(body.map((l) => l.message.content).join('')).toBe(demoReply(PROMPT));
    expect(last).toMatchObject({
      model: 'llama3.2:3b',
      message: { role: 'assistant', content: '' },
      done: true,
      done_reason: 'stop',
    });
    for (const k of ['total_duration', 'load_duration', 'prompt_eval_duration', 'eval_duration']) {
      expect(Number.isInteger(last[k]) && last[k] > 0, k).toBe(true);
    }
    expect(last.total_duration).toBeGreaterThanOrEqual(last.load_duration + last.prompt_eval_duration);
    const e = entryFor(id);
    expect(e).toMatchObject({ route: '/api/chat', format: 'ollama', kind: 'chat', usageSent: true, aborted: false });
    expect(last.prompt_eval_count).toBe(e.inputTokens);
    expect(last.eval_count).toBe(e.outputTokens);
    expect(e.inputTokens).toBe(countInputTokens(['You are Acme Assist.', PROMPT]));
    expect(e.outputTokens).toBe(body.length);
  });

  it('/api/generate uses `response` and counts system + prompt; stream: false gives one object', async () => {
    const res = await post(`${chat}/api/generate?delayMs=0`, { prompt: PROMPT, system: 'You are Acme Assist.' });
    const lines = ndjson(await res.text());
    expect(lines.slice(0, -1).every((l) => typeof l.response === 'string' && l.done === false)).toBe(true);
    expect(
      lines
        .slice(0, -1)
        .map((l) => l.response)
        .join(''),
    ).toBe(demoReply(PROMPT));
    const last = lines.at(-1);
    expect(last).toMatchObject({ model: 'demo-llama3.2:3b', response: '', done: true, done_reason: 'stop' });
    expect('message' in last).toBe(false);
    const e = entryFor(res.headers.get('x-demo-response-id')!);
    expect(e).toMatchObject({ route: '/api/generate', format: 'ollama', usageSent: true });
    expect([last.prompt_eval_count, last.eval_count]).toEqual([e.inputTokens, e.outputTokens]);
    expect(e.inputTokens).toBe(countInputTokens(['You are Acme Assist.', PROMPT]));

    const single = await post(`${chat}/api/chat?delayMs=0`, { messages: MESSAGES, stream: false });
    expect(single.headers.get('content-type')).toMatch(/^application\/json/);
    const j: Json = await single.json();
    expect(j).toMatchObject({ message: { role: 'assistant', content: demoReply(PROMPT) }, done: true });
    const e2 = entryFor(single.headers.get('x-demo-response-id')!);
    expect([j.prompt_eval_count, j.eval_count]).toEqual([e2.inputTokens, e2.outputTokens]);
  });

  it('cross-origin: CORS exposes x-demo-response-id; errors use Ollama’s { error } shape', async () => {
    const res = await post(`${demo.apiOrigin}/api/chat?delayMs=0`, { messages: MESSAGES });
    expect(res.headers.get('access-control-expose-headers')).toContain('x-demo-response-id');
    await res.text();
    expect(demo.log[0]).toMatchObject({ format: 'ollama', origin: 'cross', usageSent: true });
    const err = await post(`${chat}/api/chat?error=500`, { messages: MESSAGES });
    expect(err.status).toBe(500);
    expect(typeof ((await err.json()) as Json).error).toBe('string');
  });
});

function dataStream(text: string): Array<[string, Json]> {
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => {
      const i = l.indexOf(':');
      return [l.slice(0, i), JSON.parse(l.slice(i + 1))] as [string, Json];
    });
}

describe('Vercel AI SDK data stream /api/ai-sdk/chat', () => {
  it('one step: f:, 0: text parts, e:, d: with usage equal to the log', async () => {
    const res = await post(`${chat}/api/ai-sdk/chat?delayMs=0`, {
      id: 'chat-1',
      messages: [{ id: 'u1', role: 'user', content: '', parts: [{ type: 'text', text: PROMPT }] }],
    });
    expect(res.headers.get('x-vercel-ai-data-stream')).toBe('v1');
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    const parts = dataStream(await res.text());
    const codes = parts.map(([c]) => c);
    expect(codes[0]).toBe('f');
    expect(codes.slice(-2)).toEqual(['e', 'd']);
    expect(new Set(codes.slice(1, -2))).toEqual(new Set(['0']));
    const messageId = parts[0]![1].messageId;
    expect(messageId).toMatch(/^msg-/);
    expect(
      parts
        .filter(([c]) => c === '0')
        .map(([, v]) => v)
        .join(''),
    ).toBe(demoReply(PROMPT));
    const e = entryFor(messageId);
    expect(e).toMatchObject({ format: 'ai-sdk', route: '/api/ai-sdk/chat', usageSent: true, steps: 1, toolCalls: {} });
    expect(parts.at(-2)![1]).toEqual({
      finishReason: 'stop',
      usage: { promptTokens: e.inputTokens, completionTokens: e.outputTokens },
      isContinued: false,
    });
    expect(parts.at(-1)![1]).toEqual({
      finishReason: 'stop',
      usage: { promptTokens: e.inputTokens, completionTokens: e.outputTokens },
    });
    expect(e.inputTokens).toBe(countInputTokens([PROMPT])); // parts are read when content is empty
  });

  it('?steps=2: tool call (9:), result (a:), an e: per step, and d: carrying the total', async () => {
    const res = await post(`${chat}/api/ai-sdk/chat?steps=2&delayMs=0`, { messages: MESSAGES.slice(1) });
    const parts = dataStream(await res.text());
    const codes = parts.map(([c]) => c);
    expect(codes.slice(0, 5)).toEqual(['f', '9', 'a', 'e', 'f']);
    const call = parts[1]![1];
    expect(call).toMatchObject({ toolName: 'search.docs', args: { query: PROMPT } });
    expect(parts[2]![1].toolCallId).toBe(call.toolCallId);
    const steps = parts.filter(([c]) => c === 'e').map(([, v]) => v);
    expect(steps.map((s) => s.finishReason)).toEqual(['tool-calls', 'stop']);
    const d = parts.at(-1)![1];
    expect(parts.at(-1)![0]).toBe('d');
    expect(d.usage.promptTokens).toBe(steps[0].usage.promptTokens + steps[1].usage.promptTokens);
    expect(d.usage.completionTokens).toBe(steps[0].usage.completionTokens + steps[1].usage.completionTokens);
    const e = entryFor(parts[0]![1].messageId);
    expect(e).toMatchObject({ steps: 2, toolCalls: { 'search.docs': 1 }, usageSent: true, aborted: false });
    expect([d.usage.promptTokens, d.usage.completionTokens]).toEqual([e.inputTokens, e.outputTokens]);
    // The deterministic rule: step 2 sees step 1's input + the tool call + its result.
    const callOut = toolCallTokens('search.docs', JSON.stringify(call.args));
    expect(steps[0].usage).toEqual({ promptTokens: countInputTokens([PROMPT]), completionTokens: callOut });
    expect(steps[1].usage.promptTokens).toBe(
      steps[0].usage.promptTokens + callOut + toolResultTokens(JSON.stringify(parts[2]![1].result)),
    );
    expect(steps[1].usage.completionTokens).toBe(splitPieces(demoReply(PROMPT), false).length);
  });

  it.each([
    ['/api/chat', { messages: MESSAGES }],
    ['/api/ai-sdk/chat', { messages: MESSAGES }],
    ['/api/ai-sdk/chat?steps=2', { messages: MESSAGES }],
  ] as const)('%s: a client abort mid-stream is logged once as aborted, without usage', async (route, body) => {
    const full = splitPieces(demoReply(PROMPT), false).length;
    const controller = new AbortController();
    const sep = route.includes('?') ? '&' : '?';
    const res = await post(`${chat}${route}${sep}delayMs=30`, body, {}, controller.signal);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let seen = '';
    while ((seen.match(/\n/g) ?? []).length < 10) {
      const { value, done } = await reader.read();
      if (done) break;
      seen += decoder.decode(value, { stream: true });
    }
    controller.abort();
    await reader.cancel().catch(() => {});
    const entry = await waitFor(() => demo.log[0]);
    await new Promise((r) => setTimeout(r, 150));
    expect(demo.log).toHaveLength(1);
    expect(entry).toMatchObject({ aborted: true, usageSent: false });
    expect(entry.outputTokens).toBeGreaterThan(0);
    expect(entry.outputTokens).toBeLessThan(full);
  });
});

describe('agent console and job API', () => {
  const agent = (): string => demo.agentUrl.replace(/\/$/, '');
  const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
  const getJob = async (id: string, origin = agent()): Promise<AgentJob> =>
    (await (await fetch(`${origin}/api/jobs/${id}`)).json()) as AgentJob;
  const startJob = async (body: unknown, query = '?speed=fast', origin = agent()): Promise<AgentJob> => {
    const res = await post(`${origin}/api/jobs${query}`, body);
    expect(res.status).toBe(200);
    return (await res.json()) as AgentJob;
  };
  /** Poll like the console does (faster), returning every snapshot until the job finishes. */
  const pollUntilDone = async (id: string, origin = agent()): Promise<AgentJob[]> => {
    const snaps: AgentJob[] = [];
    for (const end = Date.now() + 10_000; Date.now() < end;) {
      const j = await getJob(id, origin);
      snaps.push(j);
      if (!['queued', 'in_progress'].includes(j.status)) return snaps;
      await sleep(25);
    }
    throw new Error('job did not finish');
  };
  const jobEntries = (id: string): UsageLogEntry[] => demo.log.filter((e) => e.id === id);

  it('serves the console on its own 127.0.0.1 origin with stable selectors and the config injected', async () => {
    const u = new URL(demo.agentUrl);
    expect(u.hostname).toBe('127.0.0.1');
    expect(demo.agentUrl.endsWith('/')).toBe(true);
    expect(u.origin).not.toBe(new URL(demo.chatUrl).origin);
    expect(u.port).not.toBe(new URL(demo.apiOrigin).port);
    const html = await (await fetch(demo.agentUrl)).text();
    for (const sel of ['id="run-job"', 'id="cancel-job"', 'id="jobs"', 'id="job-detail"', 'id="instruction"']) {
      expect(html).toContain(sel);
    }
    for (const t of ['triage-inbox', 'standup-slack', 'update-deps', 'custom']) expect(html).toContain(`value="${t}"`);
    expect(html).toContain(JSON.stringify(demo.chatUrl));
    for (const p of ['/agents.js', '/agents.css', '/style.css', '/favicon.svg']) {
      expect((await fetch(agent() + p)).status, p).toBe(200);
    }
    expect((await fetch(`${agent()}/__demo/log`)).status).toBe(404);
    expect((await fetch(`${agent()}/v1/chat/completions`, { method: 'POST' })).status).toBe(404);
  });

  it('a job advances queued → in_progress → completed; polling returns the same id with growing cumulative usage', async () => {
    const created = await startJob({ template: 'triage-inbox' });
    expect(created).toMatchObject({
      object: 'agent.run',
      name: 'Triage my inbox',
      status: 'queued',
      model: 'gpt-4o',
      usage: { input_tokens: 0, output_tokens: 0, total_tokens: 0 },
      steps: [],
    });
    expect(created.id).toMatch(/^job_/);
    expect(typeof created.created_at).toBe('number');
    expect(jobEntries(created.id)).toHaveLength(1);
    expect(jobEntries(created.id)[0]).toMatchObject({ status: 'queued', inputTokens: 0, outputTokens: 0 });

    const snaps = await pollUntilDone(created.id);
    expect(new Set(snaps.map((s) => s.id))).toEqual(new Set([created.id]));
    expect(snaps.some((s) => s.status === 'in_progress')).toBe(true);
    for (let i = 1; i < snaps.length; i++) {
      expect(snaps[i]!.usage.input_tokens).toBeGreaterThanOrEqual(snaps[i - 1]!.usage.input_tokens);
      expect(snaps[i]!.usage.output_tokens).toBeGreaterThanOrEqual(snaps[i - 1]!.usage.output_tokens);
      expect(snaps[i]!.steps.length).toBeGreaterThanOrEqual(snaps[i - 1]!.steps.length);
    }
    expect(new Set(snaps.map((s) => s.usage.total_tokens)).size).toBeGreaterThanOrEqual(3);

    const final = snaps.at(-1)!;
    expect(final.status).toBe('completed');
    expect(typeof final.completed_at).toBe('number');
    expect(final.steps.map((s) => [s.id, s.type, s.status])).toEqual([
      ['step_1', 'tool_calls', 'completed'],
      ['step_2', 'tool_calls', 'completed'],
      ['step_3', 'tool_calls', 'completed'],
      ['step_4', 'message_creation', 'completed'],
    ]);
    const move = final.steps[1]!.tool_calls![0]!;
    expect(move).toMatchObject({ id: 'call_2', type: 'function', function: { name: 'email.move' } });
    expect(JSON.parse(move.function.arguments)).toEqual({ id: 'm1', folder: 'Receipts' });
    expect(typeof move.function.output).toBe('string');
    // Cumulative usage = the sum of every step's model call = the deterministic plan.
    const plan = planJob('triage-inbox', final.instructions, false);
    expect(final.steps.map((s) => [s.usage.input_tokens, s.usage.output_tokens])).toEqual(
      plan.map((p) => [p.inputTokens, p.outputTokens]),
    );
    const sumIn = plan.reduce((n, p) => n + p.inputTokens, 0);
    const sumOut = plan.reduce((n, p) => n + p.outputTokens, 0);
    expect(final.usage).toEqual({ input_tokens: sumIn, output_tokens: sumOut, total_tokens: sumIn + sumOut });

    // Ground truth: exactly one log entry for the job, updated in place to the final numbers.
    const entries = jobEntries(final.id);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      format: 'agent-job',
      route: '/api/jobs',
      id: final.id,
      jobId: final.id,
      name: 'Triage my inbox',
      model: 'gpt-4o',
      status: 'completed',
      inputTokens: final.usage.input_tokens,
      outputTokens: final.usage.output_tokens,
      usageSent: true,
      aborted: false,
      origin: 'same',
      steps: 4,
      toolCalls: { 'email.search': 1, 'email.move': 3, 'email.label': 2 },
    });
  });

  it('several jobs at once: one log entry per job with its final numbers; GET /api/jobs lists them', async () => {
    const jobs = await Promise.all([
      startJob({ template: 'standup-slack' }),
      startJob({ template: 'triage-inbox' }),
      startJob({ template: 'custom', instructions: 'Find last quarter churn numbers and summarise them' }),
    ]);
    const finals = await Promise.all(jobs.map(async (j) => (await pollUntilDone(j.id)).at(-1)!));
    const list: Json = await (await fetch(`${agent()}/api/jobs`)).json();
    expect(list.object).toBe('list');
    expect(list.has_more).toBe(false);
    const ids = list.data.map((j: AgentJob) => j.id);
    for (const j of jobs) expect(ids).toContain(j.id);
    expect(ids.indexOf(jobs[2]!.id)).toBeLessThan(ids.indexOf(jobs[0]!.id)); // newest first
    expect(demo.log.filter((e) => e.format === 'agent-job')).toHaveLength(3);
    for (const f of finals) {
      expect(f.status).toBe('completed');
      const [e] = jobEntries(f.id);
      expect([e!.inputTokens, e!.outputTokens, e!.status]).toEqual([
        f.usage.input_tokens,
        f.usage.output_tokens,
        'completed',
      ]);
    }
    expect(jobEntries(finals[0]!.id)[0]!.toolCalls).toEqual({
      'github.list_pull_requests': 1,
      'jira.search_issues': 1,
      'slack.post_message': 1,
    });
    expect(finals[2]!.template).toBe('custom');
    expect(finals[2]!.steps[0]!.tool_calls![0]!.function.name).toBe('docs.search');
  });

  it('"Update dependency versions" fails at step 3 (tokens still counted); fail=0 lets it finish', async () => {
    const failed = (await pollUntilDone((await startJob({ template: 'update-deps' })).id)).at(-1)!;
    expect(failed.status).toBe('failed');
    expect(failed.last_error).toMatchObject({ code: 'tool_error' });
    expect(failed.last_error!.message).toContain('npm test');
    expect(failed.steps).toHaveLength(3);
    expect(failed.steps[2]).toMatchObject({ status: 'failed', type: 'tool_calls' });
    expect(failed.usage.total_tokens).toBeGreaterThan(0);
    expect(jobEntries(failed.id)).toEqual([
      expect.objectContaining({
        status: 'failed',
        inputTokens: failed.usage.input_tokens,
        outputTokens: failed.usage.output_tokens,
        toolCalls: { 'npm.outdated': 1, 'npm.update': 3, 'npm.test': 1 },
      }),
    ]);

    const ok = (await pollUntilDone((await startJob({ template: 'update-deps' }, '?speed=fast&fail=0')).id)).at(-1)!;
    expect(ok.status).toBe('completed');
    expect(jobEntries(ok.id)[0]!.toolCalls!['github.create_pull_request']).toBe(1);
    const forced = (await pollUntilDone((await startJob({ template: 'triage-inbox', fail: true })).id)).at(-1)!;
    expect(forced.status).toBe('failed');
  });

  it('cancel stops a running job for good; its log entry keeps the tokens spent so far', async () => {
    const job = await startJob({ template: 'triage-inbox' }, ''); // normal speed: several seconds
    let running: AgentJob;
    for (;;) {
      running = await getJob(job.id);
      if (running.steps.length >= 1) break;
      await sleep(50);
    }
    expect(running.status).toBe('in_progress');
    const res = await post(`${agent()}/api/jobs/${job.id}/cancel`, {});
    expect(res.status).toBe(200);
    const cancelled = (await res.json()) as AgentJob;
    expect(cancelled.status).toBe('cancelled');
    expect(typeof cancelled.cancelled_at).toBe('number');
    await sleep(1500);
    const later = await getJob(job.id);
    expect(later.status).toBe('cancelled');
    expect(later.usage).toEqual(cancelled.usage);
    expect(later.steps).toHaveLength(cancelled.steps.length);
    expect(later.usage.total_tokens).toBeGreaterThan(0);
    expect(jobEntries(job.id)).toEqual([
      expect.objectContaining({
        status: 'cancelled',
        inputTokens: later.usage.input_tokens,
        outputTokens: later.usage.output_tokens,
      }),
    ]);
    const again = await post(`${agent()}/api/jobs/${job.id}/cancel`, {});
    expect(again.status).toBe(409);
    expect(((await again.json()) as Json).error.code).toBe('job_not_active');
  });

  it('rejects unknown jobs, templates and methods', async () => {
    expect((await fetch(`${agent()}/api/jobs/job_nope`)).status).toBe(404);
    expect((await post(`${agent()}/api/jobs/job_nope/cancel`, {})).status).toBe(404);
    expect((await post(`${agent()}/api/jobs`, { template: 'nope' })).status).toBe(400);
    expect((await post(`${agent()}/api/jobs`, {})).status).toBe(400);
    expect((await fetch(`${agent()}/api/jobs/job_nope/cancel`)).status).toBe(405);
    expect(demo.log).toHaveLength(0);
  });

  it('the job API also answers on the cross-origin API server with CORS (logged origin cross)', async () => {
    const pre = await fetch(`${demo.apiOrigin}/api/jobs`, {
      method: 'OPTIONS',
      headers: { 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' },
    });
    expect(pre.status).toBe(204);
    const res = await post(`${demo.apiOrigin}/api/jobs?speed=fast`, { template: 'standup-slack' });
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    const job = (await res.json()) as AgentJob;
    const final = (await pollUntilDone(job.id, demo.apiOrigin)).at(-1)!;
    expect(final.status).toBe('completed');
    expect(jobEntries(job.id)).toEqual([expect.objectContaining({ origin: 'cross', status: 'completed' })]);
    // Jobs are shared: the console's own server sees the same job.
    expect((await getJob(job.id)).usage).toEqual(final.usage);
  });
});
