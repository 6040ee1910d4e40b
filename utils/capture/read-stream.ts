/**
 * Reads our own copy of a response body (a `Response.clone()` branch) and feeds it to a parser. The page
 * reads its branch independently, so nothing here can block or slow it; we stop reading past a size cap,
 * or as soon as the parser can learn nothing more (a JSON body too big to parse).
 *
 * Read as the chunks arrive, not batched later: a fact must be ready when the page is, because the user
 * may close the tab right after a reply, and the first reply recognised after a click is the user's turn
 * (see gestures.ts). (Paced, batched BYOB reads were tried: cheaper, but they broke both.)
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
      if (parser.satisfied) {
        void reader.cancel().catch(() => {});
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
