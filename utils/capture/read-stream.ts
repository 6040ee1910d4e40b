/**
 * Reads our own copy of a response body (a `Response.clone()` branch) and feeds it to a parser. The page
 * reads its branch independently, so nothing here can block or slow it; we stop reading past a size cap.
 */
import type { BodyParser } from '../parsers/types';

/** Past this many bytes we stop reading (the page still gets everything). */
export const MAX_BODY_BYTES = 64 * 1024 * 1024;

export interface StreamOutcome {
  aborted: boolean;
  firstByteAt?: number;
}

export async function feedStream(stream: ReadableStream<Uint8Array>, parser: BodyParser): Promise<StreamOutcome> {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let bytes = 0;
  let firstByteAt: number | undefined;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      firstByteAt ??= performance.now();
      bytes += value.byteLength;
      if (bytes > MAX_BODY_BYTES) {
        void reader.cancel().catch(() => {}); // cancels only our branch of the tee
        return { aborted: true, firstByteAt };
      }
      parser.push(decoder.decode(value, { stream: true }));
    }
    parser.push(decoder.decode());
    return { aborted: false, firstByteAt };
  } catch {
    // The page aborted the request, or the network cut it: report what was generated so far.
    return { aborted: true, firstByteAt };
  }
}
