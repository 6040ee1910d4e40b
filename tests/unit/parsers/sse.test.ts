import { describe, expect, it } from 'vitest';
import { createSseDecoder, type SseEvent } from '@/utils/parsers/sse';
import { createArraySplitter, createLineSplitter, createNdjsonDecoder } from '@/utils/parsers/ndjson';

function decode(chunks: string[], ndjson = false): SseEvent[] {
  const out: SseEvent[] = [];
  const d = createSseDecoder((e) => out.push(e), { ndjson });
  for (const c of chunks) d.push(c);
  d.end();
  return out;
}

const everySplit = (s: string): string[][] => {
  const all: string[][] = [[s], s.split('')];
  for (let i = 1; i < s.length; i++) all.push([s.slice(0, i), s.slice(i)]);
  return all;
};

describe('SSE decoder', () => {
  it.each([
    ['LF', 'event: a\ndata: 1\n\ndata: 2\n\n'],
    ['CRLF', 'event: a\r\ndata: 1\r\n\r\ndata: 2\r\n\r\n'],
    ['CR', 'event: a\rdata: 1\r\rdata: 2\r\r'],
    ['mixed', 'event: a\r\ndata: 1\n\rdata: 2\r\n\n'],
  ])('handles %s line endings at every chunk boundary', (_name, body) => {
    for (const chunks of everySplit(body)) {
      expect(decode(chunks)).toEqual([
        { type: 'a', data: '1', id: '' },
        { type: 'message', data: '2', id: '' },
      ]);
    }
  });

  it('joins multi-line data with \\n, strips one leading space only, ignores comments and retry', () => {
    const body = ': hello\nretry: 10\ndata:  two spaces\ndata:no space\ndata\n\n';
    expect(decode([body])).toEqual([{ type: 'message', data: ' two spaces\nno space\n', id: '' }]);
  });

  it('keeps the last event id, ignores ids with NUL, resets the event type after each event', () => {
    const body = 'id: 7\nevent: x\ndata: a\n\ndata: b\n\nid: bad\0\ndata: c\n\n';
    expect(decode([body])).toEqual([
      { type: 'x', data: 'a', id: '7' },
      { type: 'message', data: 'b', id: '7' },
      { type: 'message', data: 'c', id: '7' },
    ]);
  });

  it('does not dispatch an event without data lines, strips a leading BOM', () => {
    expect(decode(['\uFEFFevent: ping\n\ndata: x\n\n'])).toEqual([{ type: 'message', data: 'x', id: '' }]);
  });

  it('keeps multibyte characters and surrogate pairs intact across chunks', () => {
    const body = 'data: {"t":"żółć 你好 👨‍👩‍👧"}\n\n';
    for (const chunks of everySplit(body)) expect(decode(chunks)[0]?.data).toBe('{"t":"żółć 你好 👨‍👩‍👧"}');
  });

  it('dispatches a final event that lacks its blank line (lenient), but not a half line of nothing', () => {
    expect(decode(['data: [DONE]\n'])).toEqual([{ type: 'message', data: '[DONE]', id: '' }]);
    expect(decode(['data: [DO'])).toEqual([{ type: 'message', data: '[DO', id: '' }]);
    expect(decode([': only a comment'])).toEqual([]);
  });

  it('in ndjson mode dispatches bare JSON lines as events of type ""', () => {
    expect(decode(['{"a":1}\n{"b":2}\r\ndata: 3\n\n'], true)).toEqual([
      { type: '', data: '{"a":1}', id: '' },
      { type: '', data: '{"b":2}', id: '' },
      { type: 'message', data: '3', id: '' },
    ]);
    expect(decode(['{"a":1}\n\n'])).toEqual([]); // spec mode: a field named `{"a"`, ignored
  });
});

describe('line splitter / NDJSON', () => {
  it('splits on LF, CRLF and CR across any boundary, flushes the last line at end', () => {
    const body = 'a\r\nb\rc\n\nd';
    for (const chunks of everySplit(body)) {
      const lines: string[] = [];
      const s = createLineSplitter((l) => lines.push(l));
      for (const c of chunks) s.push(c);
      s.end();
      expect(lines).toEqual(['a', 'b', 'c', '', 'd']);
    }
  });

  it('drops a line longer than the cap and carries on', () => {
    const lines: string[] = [];
    const s = createLineSplitter((l) => lines.push(l), 10);
    for (const c of ['short\n', '01234', '56789', 'X\nok\n', '0123456789AB']) s.push(c);
    s.end();
    expect(lines).toEqual(['short', 'ok']);
  });

  it('is linear for a long line fed one character at a time', () => {
    const lines: string[] = [];
    const s = createLineSplitter((l) => lines.push(l));
    const t0 = performance.now();
    for (let i = 0; i < 200_000; i++) s.push('x');
    s.push('\n');
    expect(lines[0]?.length).toBe(200_000);
    expect(performance.now() - t0).toBeLessThan(2000);
  });

  it('NDJSON decoder skips blank and malformed lines', () => {
    const values: unknown[] = [];
    const d = createNdjsonDecoder((v) => values.push(v));
    d.push('{"a":1}\n\nnot json\n{"b":');
    d.push('2}\n[3]');
    d.end();
    expect(values).toEqual([{ a: 1 }, { b: 2 }, [3]]);
  });
});

describe('JSON array splitter', () => {
  it('hands over each object element whole, across chunk boundaries, strings and escapes respected', () => {
    const items: string[] = [];
    const push = createArraySplitter((t) => void items.push(t));
    const text = '[{"a":"x]}\\"{"},\r\n{"b":[1,{"c":2}]}, 3, {"d":{}}]';
    for (let i = 0; i < text.length; i += 3) push(text.slice(i, i + 3));
    expect(items).toEqual(['{"a":"x]}\\"{"}', '{"b":[1,{"c":2}]}', '{"d":{}}']);
  });

  it('stops when told to, even in the middle of a chunk, and reads nothing after', () => {
    const items: string[] = [];
    const push = createArraySplitter((t) => items.push(t) === 2);
    push('[{"n":1},{"n":2},{"n":3}');
    push(',{"n":4}]');
    expect(items).toEqual(['{"n":1}', '{"n":2}']);
  });
});

describe('JSON array splitter against JSON.parse', () => {
  it('yields exactly the object elements of random arrays cut at random places', () => {
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const pieces = ['a', '"', '\\', '\\"', '{', '}', '[', ']', ',', ' ', 'é', '\n', '\\\\'];
    const str = () =>
      Array.from({ length: Math.floor(rnd() * 12) }, () => pieces[Math.floor(rnd() * pieces.length)]).join('');
    const value = (depth: number): unknown => {
      const r = rnd();
      if (depth > 2 || r < 0.3) return str();
      if (r < 0.4) return Math.floor(rnd() * 1000);
      if (r < 0.6) return Array.from({ length: Math.floor(rnd() * 3) }, () => value(depth + 1));
      return Object.fromEntries(Array.from({ length: Math.floor(rnd() * 4) }, () => [str(), value(depth + 1)]));
    };
    for (let round = 0; round < 300; round++) {
      const arr = Array.from({ length: 1 + Math.floor(rnd() * 6) }, () => value(1));
      const text = JSON.stringify(arr, null, round % 2 ? 1 : undefined);
      const items: unknown[] = [];
      const push = createArraySplitter((t) => void items.push(JSON.parse(t)));
      for (let i = 0; i < text.length;) {
        const step = 1 + Math.floor(rnd() * 9);
        push(text.slice(i, i + step));
        i += step;
      }
      const objects = arr.filter((v) => typeof v === 'object' && v !== null && !Array.isArray(v));
      expect(items).toEqual(objects);
    }
  });
});
