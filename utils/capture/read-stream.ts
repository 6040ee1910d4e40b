/**
 * Reads our own copy of a response body (a `Response.clone()` branch) and feeds it to a parser. The page
 * reads its branch independently, so nothing here can block or slow it; we stop reading past a size cap,
 * or as soon as the parser can learn nothing more (a JSON body too big to parse).
 *
 * Cost: every read and every decode has a fixed price, and a fast stream arrives in thousands of small
 * chunks. Where the body is a byte stream, we read it with a BYOB reader and ask each read for at least
 * as many bytes as arrived in the last ~50 ms (`read(view, { min })`), so a 5 MB download costs tens of
 * reads and decodes instead of thousands, while a reply trickling in is still read chunk by chunk.
 *
 * Never late: a read with `min` resolves as soon as the stream ends, so the fact for a finished reply is
 * ready the moment the page has the last byte (a user may close the tab right after a reply, and the first
 * reply finished after a click is the user's turn: see gestures.ts). Paced reads on a timer were tried and
 * broke both. The one delay left is mid-stream: after a burst, up to one read's worth of bytes may wait
 * for the next bytes or the end, which only postpones the fact of a reply that is still running.
 */
import type { BodyParser } from '../parsers/types';

/** Past this many bytes we stop reading (the page still gets everything). */
export const MAX_BODY_BYTES = 64 * 1024 * 1024;
/** The most one read may wait for (and the largest buffer it reads into). */
const MAX_GULP = 512 * 1024;
/**
 * The buffer a body starts with: most bodies are small JSON answers, and a fresh zero-filled 512 KB buffer
 * for each of them would cost more than their reads do. It grows only when the stream floods in.
 */
const FIRST_BUFFER = 32 * 1024;
/** How much of the recent arrival rate one read waits for. */
const GULP_WINDOW_MS = 50;

export interface StreamOutcome {
  aborted: boolean;
  firstByteAt?: number;
}

/** One read: the next bytes, or undefined at the end. */
type ReadNext = () => Promise<Uint8Array | undefined>;

/** `read(view, { min })`: in the Streams standard and Chromium, not yet in TypeScript's DOM types. */
type ReadAtLeast = (view: Uint8Array, options: { min: number }) => Promise<ReadableStreamReadResult<Uint8Array>>;

interface ChunkSource {
  next: ReadNext;
  cancel(): void;
}

/** Adaptive reads from a byte stream; undefined when the stream is not one. */
function byobSource(stream: ReadableStream<Uint8Array>): ChunkSource | undefined {
  let reader: ReadableStreamBYOBReader;
  try {
    reader = stream.getReader({ mode: 'byob' });
  } catch {
    return undefined;
  }
  const read = reader.read.bind(reader) as unknown as ReadAtLeast;
  let buffer = new ArrayBuffer(FIRST_BUFFER);
  let lastAt = 0;
  let min = 1; // the first read takes the first byte at once (time to first byte is a figure we report)
  let ended = false;
  return {
    async next() {
      let value: Uint8Array | undefined;
      while (!ended && !value?.byteLength) {
        const r = await read(new Uint8Array(buffer), { min });
        // A stream that closes while a read waits for `min` bytes hands over what it has *with* done: true.
        ended = r.done;
        value = r.value;
        if (value) buffer = value.buffer as ArrayBuffer;
      }
      if (!value?.byteLength) return undefined;
      const now = performance.now();
      // Bytes per ms over the last read, times the window: a trickle gives min 1, a flood a large gulp.
      const rate = lastAt > 0 ? value.byteLength / Math.max(1, now - lastAt) : 0;
      min = Math.max(1, Math.min(MAX_GULP, Math.floor(rate * GULP_WINDOW_MS)));
      lastAt = now;
      // Room for twice the next read's minimum, so a gulp is not cut short by the buffer.
      if (buffer.byteLength < Math.min(MAX_GULP, 2 * min)) buffer = new ArrayBuffer(Math.min(MAX_GULP, 2 * min));
      // The caller is done with `value` before it asks for the next read, which reuses the buffer.
      return value;
    },
    cancel: () => void reader.cancel().catch(() => {}),
  };
}

function defaultSource(stream: ReadableStream<Uint8Array>): ChunkSource {
  const reader = stream.getReader();
  return {
    async next() {
      const { done, value } = await reader.read();
      return done ? undefined : value;
    },
    cancel: () => void reader.cancel().catch(() => {}),
  };
}

/**
 * Reads `stream` into `parser`. `gulps`: read in rate-sized gulps (a stream: SSE, NDJSON); without it, chunk
 * by chunk as the browser hands them over (a JSON answer, read whole anyway: copying it into our own buffer
 * would only add work).
 */
export async function feedStream(
  stream: ReadableStream<Uint8Array>,
  parser: BodyParser,
  opts: { gulps?: boolean } = {},
): Promise<StreamOutcome> {
  const source = (opts.gulps === false ? undefined : byobSource(stream)) ?? defaultSource(stream);
  const decoder = new TextDecoder();
  let bytes = 0;
  let firstByteAt: number | undefined;
  try {
    for (;;) {
      const value = await source.next();
      if (!value) break;
      firstByteAt ??= performance.now();
      bytes += value.byteLength;
      if (bytes > MAX_BODY_BYTES) {
        source.cancel(); // cancels only our branch of the tee
        return { aborted: true, firstByteAt };
      }
      parser.push(decoder.decode(value, { stream: true }));
      if (parser.satisfied) {
        source.cancel();
        return { aborted: false, firstByteAt };
      }
    }
    parser.push(decoder.decode());
    return { aborted: false, firstByteAt };
  } catch {
    // The page aborted the request, or the network cut it: report what was generated so far.
    return { aborted: true, firstByteAt };
  }
}
