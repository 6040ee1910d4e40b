// The fetch wrapper, in Node's own fetch/Response implementation: the page must get exactly what it
// would have got without us, and we must still see the usage.
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { wrapFetch } from '@/utils/capture/fetch';
import type { PageMessage } from '@/utils/messages';

const PAGE = 'http://127.0.0.1:5566/chat';
const sse = readFileSync(new URL('../../fixtures/wire/openai-chat/stream-basic.sse', import.meta.url), 'utf8');

type Win = { fetch: typeof fetch };
let posted: PageMessage[];
const post = (m: PageMessage) => void posted.push(m);
const settle = async () => {
  for (let i = 0; i < 20; i++) await new Promise((r) => setTimeout(r, 0));
};

beforeEach(() => {
  posted = [];
  vi.stubGlobal('location', new URL(PAGE));
});
afterEach(() => vi.unstubAllGlobals());

function pageWith(native: (...args: unknown[]) => Promise<Response>): Win {
  const win = { fetch: native as unknown as typeof fetch };
  wrapFetch(win as unknown as typeof globalThis, post);
  return win;
}

describe('wrapFetch', () => {
  it('hands the page the very Response object, body intact, and reports the exact usage', async () => {
    let produced: Response | undefined;
    const win = pageWith(async () => {
      produced = new Response(sse, { headers: { 'content-type': 'text/event-stream; charset=utf-8' } });
      return produced;
    });
    const res = await win.fetch('/v1/chat/completions', { method: 'POST', body: '{"messages":[]}' });
    expect(res).toBe(produced);
    expect(await res.text()).toBe(sse);
    await settle();
    expect(posted).toHaveLength(1);
    expect(posted[0]).toMatchObject({
      type: 'usage',
      fact: {
        key: 'openai-chat:chatcmpl-AB7wKkR1yq0dPlN3ZsMtqUv8x2Hfe',
        model: 'gpt-4o-mini-2024-07-18',
        inputTokens: 24,
        outputTokens: 7,
        source: 'exact',
        status: 'complete',
        transport: 'fetch',
        apiOrigin: 'http://127.0.0.1:5566',
      },
    });
  });

  it('passes the page’s own rejection through untouched, with no unhandled rejection of ours', async () => {
    const boom = new TypeError('Failed to fetch');
    const unhandled = vi.fn();
    process.on('unhandledRejection', unhandled);
    const win = pageWith(() => Promise.reject(boom));
    await expect(win.fetch('/x')).rejects.toBe(boom);
    await settle();
    process.off('unhandledRejection', unhandled);
    expect(unhandled).not.toHaveBeenCalled();
    expect(posted).toEqual([]);
  });

  it('leaves responses no parser wants alone: no clone, nothing reported', async () => {
    const res = new Response(new Uint8Array([0x89, 0x50, 0x4e, 0x47]), { headers: { 'content-type': 'image/png' } });
    const clone = vi.spyOn(res, 'clone');
    const win = pageWith(async () => res);
    await win.fetch('/logo.png');
    await settle();
    expect(clone).not.toHaveBeenCalled();
    expect(posted).toEqual([]);
  });

  it('notes a POST whose JSON matches no known format, for health', async () => {
    const win = pageWith(async () => Response.json({ users: [{ id: 1 }] }));
    await (await win.fetch('/api/search', { method: 'POST', body: '{}' })).json();
    await settle();
    expect(posted).toEqual([
      { type: 'unrecognised', apiOrigin: 'http://127.0.0.1:5566', contentType: 'application/json' },
    ]);
  });

  it('reports nothing, and throws nothing, when a JSON answer breaks off half way', async () => {
    const enc = new TextEncoder();
    const broken = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(enc.encode('{"object":"chat.completion","usage":{"prompt_tokens":3,'));
        setTimeout(() => c.error(new DOMException('The user aborted a request.', 'AbortError')), 5);
      },
    });
    const win = pageWith(
      async () => new Response(broken, { headers: { 'content-type': 'application/json', 'content-length': '500' } }),
    );
    const res = await win.fetch('/v1/chat/completions', { method: 'POST', body: '{}' });
    await expect(res.text()).rejects.toThrow();
    await settle();
    expect(posted.filter((m) => m.type === 'usage')).toEqual([]);
  });

  it('keeps working when the page wraps fetch again on top of ours', async () => {
    const win = pageWith(async () => new Response(sse, { headers: { 'content-type': 'text/event-stream' } }));
    const ours = win.fetch;
    const seen: string[] = [];
    win.fetch = (async (...args: Parameters<typeof fetch>) => {
      seen.push(String(args[0]));
      return ours(...args);
    }) as typeof fetch;
    expect(await (await win.fetch('/v1/chat/completions', { method: 'POST' })).text()).toBe(sse);
    await settle();
    expect(seen).toEqual(['/v1/chat/completions']);
    expect(posted).toHaveLength(1);
  });

  it('looks like the native function to a page that inspects it', () => {
    async function fetch(_input: unknown, _init?: unknown): Promise<Response> {
      return new Response('');
    }
    const win = pageWith(fetch);
    expect(win.fetch.name).toBe('fetch');
    expect(win.fetch.length).toBe(2);
    // Pages that test `String(fetch).includes('[native code]')` (a common check) still see a native function.
    expect(Function.prototype.toString.call(win.fetch)).toContain('[native code]');
  });

  it('reports an aborted stream once, as aborted, with an estimate', async () => {
    const enc = new TextEncoder();
    const firstHalf = sse.slice(0, sse.indexOf('"finish_reason":"stop"') - 200);
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(enc.encode(firstHalf));
        setTimeout(() => c.error(new DOMException('The user aborted a request.', 'AbortError')), 5);
      },
    });
    const win = pageWith(async () => new Response(body, { headers: { 'content-type': 'text/event-stream' } }));
    const res = await win.fetch('/v1/chat/completions', {
      method: 'POST',
      body: '{"messages":[{"role":"user","content":"Hi there"}]}',
    });
    await expect(res.text()).rejects.toThrow();
    await settle();
    expect(posted).toHaveLength(1);
    expect(posted[0]).toMatchObject({ type: 'usage', fact: { source: 'estimated', status: 'aborted' } });
  });
});
