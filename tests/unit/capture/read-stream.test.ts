/**
 * Our copy of a body is read in gulps sized to its arrival rate (read-stream.ts). Whatever the pacing, the parser
 * must see every byte, in order, including the bytes a stream hands over as it closes.
 */
import { describe, expect, it } from 'vitest';
import { feedStream } from '@/utils/capture/read-stream';
import { createBodyParser } from '@/utils/parsers/index';

const enc = new TextEncoder();

function chatStream(pieces: number): string[] {
  const chunk = (delta: object, finish: string | null = null) =>
    `data: ${JSON.stringify({ id: 'c9', object: 'chat.completion.chunk', model: 'gpt-x', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
  return [
    ...Array.from({ length: pieces }, (_, i) => chunk({ content: `piece ${i}\n` })),
    chunk({}, 'stop'),
    `data: ${JSON.stringify({ id: 'c9', object: 'chat.completion.chunk', model: 'gpt-x', choices: [], usage: { prompt_tokens: 12, completion_tokens: 34 } })}\n\n`,
    'data: [DONE]\n\n',
  ];
}

/** A byte stream (the kind a fetch body is) that enqueues `events` in bursts of `burst`, a tick apart. */
function byteStream(events: string[], burst: number): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream({
    type: 'bytes',
    async pull(c) {
      await new Promise((r) => setTimeout(r, 1));
      for (let n = 0; n < burst && i < events.length; n++) c.enqueue(enc.encode(events[i++]));
      if (i >= events.length) {
        c.close();
        // As a fetch body does: a read still waiting for bytes is answered, with what it has and done: true.
        c.byobRequest?.respond(0);
      }
    },
  });
}

function defaultStream(events: string[]): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream({
    pull(c) {
      if (i < events.length) c.enqueue(enc.encode(events[i++]));
      else c.close();
    },
  });
}

const expectedText = (pieces: number) => Array.from({ length: pieces }, (_, i) => `piece ${i}\n`).join('');

describe('feedStream', () => {
  it.each([
    ['a flood that ends while a large read waits', 3000, 500],
    ['a trickle, one event at a time', 40, 1],
    ['a flood with the usage in its last small burst', 2001, 7],
  ])('%s: every byte reaches the parser, the usage too', async (_, pieces, burst) => {
    const parser = createBodyParser('text/event-stream')!;
    const outcome = await feedStream(byteStream(chatStream(pieces), burst), parser);
    expect(outcome.aborted).toBe(false);
    expect(outcome.firstByteAt).toBeGreaterThan(0);
    const [turn, ...rest] = parser.finish(outcome.aborted);
    expect(rest).toEqual([]);
    expect(turn!.usage).toEqual({ inputTokens: 12, outputTokens: 34 });
    expect(turn!.aborted).toBe(false);
    // the kept text is capped at 64 K characters; what is kept is the start of the reply, in order
    expect(expectedText(pieces).startsWith(turn!.text)).toBe(true);
    expect(turn!.text.length).toBe(Math.min(65536, expectedText(pieces).length));
  });

  it('reads a stream that is not a byte stream as well', async () => {
    const parser = createBodyParser('text/event-stream')!;
    const outcome = await feedStream(defaultStream(chatStream(50)), parser);
    const [turn] = parser.finish(outcome.aborted);
    expect(turn!.text).toBe(expectedText(50));
    expect(turn!.usage).toEqual({ inputTokens: 12, outputTokens: 34 });
  });

  it('a stream cut mid-way reports what arrived, as aborted', async () => {
    const events = chatStream(100).slice(0, 60);
    let i = 0;
    const stream = new ReadableStream<Uint8Array>({
      type: 'bytes',
      pull(c) {
        if (i < events.length) c.enqueue(enc.encode(events[i++]));
        else c.error(new TypeError('network error'));
      },
    });
    const parser = createBodyParser('text/event-stream')!;
    const outcome = await feedStream(stream, parser);
    expect(outcome.aborted).toBe(true);
    const [turn] = parser.finish(outcome.aborted);
    expect(turn!.aborted).toBe(true);
    expect(turn!.usage).toBeUndefined();
  });
});
