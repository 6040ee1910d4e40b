import { describe, expect, it } from 'vitest';
import { bodyKind, createBodyParser, JSON_CAP, parseBody } from '@/utils/parsers/index';
import { TEXT_CAP } from '@/utils/parsers/common';
import { fixture, plain } from './fixtures';

describe('createBodyParser content types', () => {
  it.each([
    ['text/event-stream', 'sse'],
    ['Text/Event-Stream; charset=UTF-8', 'sse'],
    ['application/json', 'json'],
    ['application/json; charset=utf-8', 'json'],
    ['application/vnd.api+json', 'json'],
    ['application/problem+json', 'json'],
    ['text/json', 'json'],
    ['application/x-ndjson', 'lines'],
    ['application/jsonl', 'lines'],
    ['application/stream+json', 'lines'],
    ['text/plain; charset=utf-8', 'lines'],
    ['', 'lines'],
    ['text/html; charset=utf-8', null],
    ['text/css', null],
    ['application/javascript', null],
    ['text/javascript', null],
    ['image/png', null],
    ['image/svg+xml', null],
    ['font/woff2', null],
    ['application/octet-stream', null],
    ['application/grpc-web+proto', null],
    ['video/mp4', null],
    ['application/xml', null],
  ])('%j → %s', (ct, kind) => {
    expect(bodyKind(ct)).toBe(kind);
    expect(createBodyParser(ct) === null).toBe(kind === null);
  });
});

describe('robustness', () => {
  it('gives up on a JSON body over the cap without buffering it', () => {
    const p = createBodyParser('application/json')!;
    const body = fixture('openai-chat/body.json');
    p.push(body.slice(0, -2));
    p.push(' '.repeat(JSON_CAP));
    p.push(body.slice(-2));
    expect(p.finish(false)).toEqual([]);
    expect(p.recognised).toBe(false);
    // just under the cap still parses
    const q = createBodyParser('application/json')!;
    q.push(body.slice(0, -2) + ' '.repeat(JSON_CAP - body.length) + body.slice(-2));
    expect(q.finish(false)).toHaveLength(1);
  });

  it('caps the kept text at TEXT_CAP but keeps estimating all of it', () => {
    const p = createBodyParser('text/event-stream')!;
    const word = 'lorem ipsum dolor sit amet '; // 5 tokens
    const n = Math.ceil((3 * TEXT_CAP) / word.length);
    p.push(
      'data: {"id":"chatcmpl-big","object":"chat.completion.chunk","model":"m","choices":[{"index":0,"delta":{"content":""}}]}\n\n',
    );
    for (let i = 0; i < n; i++) {
      p.push(
        `data: {"id":"chatcmpl-big","object":"chat.completion.chunk","model":"m","choices":[{"index":0,"delta":{"content":"${word}"}}]}\n\n`,
      );
    }
    const [t] = p.finish(false);
    expect(t?.text.length).toBe(TEXT_CAP);
    expect(t?.estimatedOutputTokens).toBeGreaterThan(n * 5 * 0.9);
    expect(t?.estimatedOutputTokens).toBeLessThan(n * 5 * 1.1);
  });

  it('handles a 5 MB stream in linear time', () => {
    const chunk = (s: string) =>
      `data: {"id":"chatcmpl-fast","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[{"index":0,"delta":{"content":"${s}"},"finish_reason":null}],"usage":null}\n\n`;
    const parts: string[] = [];
    let size = 0;
    for (let i = 0; size < 5_000_000; i++) {
      const c = chunk(i % 2 ? ' token' : ' word');
      parts.push(c);
      size += c.length;
    }
    const p = createBodyParser('text/event-stream')!;
    const t0 = performance.now();
    // network-sized reads that cut lines anywhere
    const all = parts.join('');
    for (let i = 0; i < all.length; i += 1500) p.push(all.slice(i, i + 1500));
    const turns = p.finish(true);
    const ms = performance.now() - t0;
    expect(turns).toHaveLength(1);
    expect(turns[0]?.aborted).toBe(true);
    expect(ms).toBeLessThan(3000);
  });

  it('never throws on random junk, binary and hostile JSON', () => {
    let seed = 42;
    const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    const alphabet = [
      'data: ',
      'event: ',
      '\n',
      '\r',
      '\r\n',
      ':',
      '{',
      '}',
      '[',
      ']',
      '"',
      '[DONE]',
      '\0',
      '\uFFFD',
      '\uD83D',
      'x',
      'null',
      '{"choices":[{"delta":',
      '{"type":"message_start","message":',
      '{"type":"response.output_text.delta","delta":',
      '{"usage":{"prompt_tokens":',
      '-1',
      '1e400',
      '"__proto__"',
      '0:"',
      'f:{"messageId":',
      'd:{"usage":{"promptTokens":',
      '[{',
      '},{',
      '{"candidates":[{"content":{"parts":[{"functionCall":{"name":',
      '{"usageMetadata":{"promptTokenCount":',
      '{"model":"m","created_at":"t","done":true,"message":{"tool_calls":[',
      '{"contentBlockStart":{"start":{"toolUse":{"name":',
      '{"type":"text-delta","delta":',
      '{"id":1,"status":"done","usage":{"input_tokens":',
      '"constructor"',
      '\\',
    ];
    for (const ct of ['text/event-stream', 'application/json', 'application/x-ndjson', 'text/plain']) {
      for (let k = 0; k < 300; k++) {
        const p = createBodyParser(ct)!;
        let body = '';
        for (let i = 0; i < 60; i++) body += alphabet[Math.floor(rnd() * alphabet.length)];
        expect(() => {
          for (let i = 0; i < body.length; i += 1 + Math.floor(rnd() * 9)) p.push(body.slice(i, i + 9));
          const turns = p.finish(rnd() < 0.5);
          for (const t of turns) {
            expect(typeof t.text).toBe('string');
            if (t.usage) expect(t.usage.inputTokens).toBeGreaterThanOrEqual(0);
          }
        }).not.toThrow();
      }
    }
    // wrong-typed fields in otherwise valid events
    const weird = [
      'data: {"object":"chat.completion.chunk","id":5,"model":{},"choices":[null,1,{"delta":{"content":7,"tool_calls":"x"}},{"delta":{"content":"ok"},"finish_reason":"stop"}],"usage":{"prompt_tokens":"9","completion_tokens":-1}}\n\n',
      'event: message_start\ndata: {"type":"message_start","message":{"id":"msg_x","usage":{"input_tokens":null}}}\n\ndata: {"type":"message_delta","usage":{"output_tokens":3}}\n\ndata: {"type":"message_stop"}\n\n',
    ];
    expect(plain(parseBody('text/event-stream', weird[0]!))).toEqual([
      { format: 'openai-chat', text: 'ok', aborted: false },
    ]);
    // no input count known → no (half-invented) usage
    expect(plain(parseBody('text/event-stream', weird[1]!))).toEqual([
      { format: 'anthropic-messages', id: 'msg_x', text: '', aborted: false },
    ]);
  });

  it('handles a 5 MB JSON array stream (Gemini without SSE) in linear time, one element buffered at a time', () => {
    const el = (s: string) =>
      `{"candidates":[{"content":{"role":"model","parts":[{"text":"${s}"}]}}],"usageMetadata":{"promptTokenCount":5},"responseId":"r1"}`;
    const parts: string[] = ['['];
    let size = 0;
    for (let i = 0; size < 5_000_000; i++) {
      const c = (i ? ',\r\n' : '') + el(i % 2 ? ' token \\"q\\" {' : ' word ]');
      parts.push(c);
      size += c.length;
    }
    const all = parts.join('');
    const p = createBodyParser('application/json')!;
    const t0 = performance.now();
    for (let i = 0; i < all.length; i += 1500) p.push(all.slice(i, i + 1500));
    const turns = p.finish(true);
    expect(performance.now() - t0).toBeLessThan(3000);
    expect(turns).toHaveLength(1);
    expect(turns[0]?.format).toBe('gemini');
    expect(turns[0]?.text.startsWith(' word ] token "q" {')).toBe(true);
    expect(turns[0]?.aborted).toBe(true);
  });

  it('ignores a stream whose first events match no format, and stops reading it', () => {
    const p = createBodyParser('text/event-stream')!;
    for (let i = 0; i < 100; i++) p.push(`data: {"tick":${i}}\n\n`);
    p.push(fixture('openai-chat/stream-basic.sse'));
    expect(p.finish(false)).toEqual([]);
    expect(p.recognised).toBe(false);
  });

  it('stops reading a JSON array whose first elements are app records, and says so (satisfied)', () => {
    const p = createBodyParser('application/json')!;
    const rec = (i: number) => `{"id":${i},"message":"hello","created_at":"2026-01-01","response":"ok"}`;
    p.push('[' + Array.from({ length: 40 }, (_, i) => rec(i)).join(','));
    expect(p.satisfied).toBe(false); // not enough misses yet to give up
    p.push(',' + Array.from({ length: 40 }, (_, i) => rec(40 + i)).join(',') + ']');
    expect(p.satisfied).toBe(true);
    expect(p.finish(false)).toEqual([]);
    expect(p.recognised).toBe(false);
  });

  it('still finds a usage record among the first elements of an array of runs', () => {
    const p = createBodyParser('application/json')!;
    const queued = Array.from({ length: 10 }, (_, i) => `{"id":"q${i}","status":"queued"}`);
    p.push(`[${queued.join(',')},{"id":"run-9","status":"completed","usage":{"input_tokens":7,"output_tokens":3}}]`);
    expect(p.satisfied).toBe(false);
    expect(plain(p.finish(false)).map((t) => [t.id, t.usage])).toEqual([
      ['run-9', { inputTokens: 7, outputTokens: 3 }],
    ]);
  });

  it.each([
    [
      'an Anthropic message, pretty-printed',
      '{\n  "type": "message",\n  "id": "m1",\n  "content": [{"type":"text","text":"hi"}]\n}',
      'anthropic-messages',
    ],
    [
      'a Responses object',
      '{"object": "response", "id": "resp_1", "status": "completed", "output": []}',
      'openai-responses',
    ],
    [
      'an Ollama generate reply',
      '{"model":"llama3","created_at":"2026-01-01T00:00:00Z","response":"hi","done":true}',
      'ollama',
    ],
  ])('parses %s although it names no usage', (_name, body, format) => {
    const p = createBodyParser('application/json')!;
    p.push(body);
    expect(p.finish(false)[0]?.format).toBe(format);
  });

  it('finds the format after a few unrelated events', () => {
    const p = createBodyParser('text/event-stream')!;
    p.push('event: meta\ndata: {"conversation_id":"c1"}\n\n');
    p.push(fixture('anthropic-messages/stream-basic.sse'));
    expect(plain(p.finish(false))[0]?.usage).toEqual({ inputTokens: 25, outputTokens: 12 });
    expect(p.format).toBe('anthropic-messages');
  });
});
