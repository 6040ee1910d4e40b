import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startDemo, type DemoServer, type UsageLogEntry } from '../demo/server.ts';
import { countInputTokens, demoReply, splitPieces } from '../demo/replies.ts';

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
