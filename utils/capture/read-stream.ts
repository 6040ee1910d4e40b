/**
 * Reads our own copy of a response body (a `Response.clone()` branch) and feeds it to a parser. The page
 * reads its branch independently, so nothing here can block or slow it; we stop reading past a size cap.
 *
 * Cost matters more than latency here (a fact is reported when the body ends), so where the browser
 * allows it the copy is read in large, paced gulps: a BYOB read fills one buffer from every chunk queued
 * since the last read, and a short pause between reads lets chunks queue. A 5 MB stream then costs tens
 * of reads and decodes instead of thousands.
 */
import type { BodyParser } from '../parsers/types';

/** Past this many bytes we stop reading (the page still gets everything). */
export const MAX_BODY_BYTES = 64 * 1024 * 1024;
const GULP_BYTES = 1024 * 1024;
const TRICKLE_BYTES = 64 * 1024;
const PACE_MS = 16; // short: a tab closed right after a reply must not outrun our copy by much

// Captured at document_start, before any page script could replace them.
const pause = (() => {
  const timer = globalThis.setTimeout.bind(globalThis);
  return (ms: number) => new Promise<void>((resolve) => timer(resolve, ms));
})();

export interface StreamOutcome {
  aborted: boolean;
  firstByteAt?: number;
}

type Chunks = AsyncGenerator<Uint8Array, void, void>;

/** Large paced reads from a byte stream; undefined when the stream is not one. */
function byobChunks(stream: ReadableStream<Uint8Array>): Chunks | undefined {
  let reader: ReadableStreamBYOBReader;
  try {
    reader = stream.getReader({ mode: 'byob' });
  } catch {
    return undefined;
  }
  return (async function* () {
    let buffer = new ArrayBuffer(GULP_BYTES);
    try {
      for (;;) {
        const { done, value } = await reader.read(new Uint8Array(buffer));
        if (done || !value) return;
        yield value;
        buffer = value.buffer;
        // Trickling in (a reply being generated): wait a moment so the next read takes many chunks at once.
        // Arriving fast (a big download): keep up with it, back to back.
        if (value.byteLength < TRICKLE_BYTES) await pause(PACE_MS);
      }
    } finally {
      void reader.cancel().catch(() => {}); // stop our branch when we stop early; a no-op at the end
    }
  })();
}

async function* defaultChunks(stream: ReadableStream<Uint8Array>): Chunks {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    void reader.cancel().catch(() => {});
  }
}

export async function feedStream(stream: ReadableStream<Uint8Array>, parser: BodyParser): Promise<StreamOutcome> {
  const decoder = new TextDecoder();
  let bytes = 0;
  let firstByteAt: number | undefined;
  const chunks = byobChunks(stream) ?? defaultChunks(stream);
  try {
    for await (const value of chunks) {
      firstByteAt ??= performance.now();
      bytes += value.byteLength;
      if (bytes > MAX_BODY_BYTES) {
        void chunks.return().catch(() => {}); // releases our branch of the tee; the page's is untouched
        return { aborted: true, firstByteAt };
      }
      parser.push(decoder.decode(value, { stream: true }));
      if (parser.satisfied) {
        void chunks.return().catch(() => {}); // e.g. a JSON body too big to parse: stop reading it now
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
