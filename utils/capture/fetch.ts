/** Wraps window.fetch. The page gets the very Response the browser produced; we read a clone. */
import { createBodyParser } from '../parsers';
import { feedStream } from './read-stream';
import { isWorthReading } from './filters';
import { currentGesture, finishAndReport, requestBodyOf, type CallMeta, type Post } from './report';

const apply = Reflect.apply;

function describe(args: unknown[]): CallMeta {
  const [input, init] = args as [unknown, { method?: unknown; body?: unknown } | undefined];
  const isRequest = typeof Request === 'function' && input instanceof Request;
  const url = isRequest ? input.url : String(input instanceof URL ? input.href : input);
  const method = String(init?.method ?? (isRequest ? input.method : 'GET'));
  return {
    transport: 'fetch',
    url,
    method,
    startedAt: Date.now(),
    t0: performance.now(),
    requestBody: requestBodyOf(init?.body),
    gesture: currentGesture(),
  };
}

async function tap(response: Response, meta: CallMeta, post: Post): Promise<void> {
  if (!isWorthReading(meta.url)) return;
  const contentType = response.headers.get('content-type') ?? '';
  const parser = createBodyParser(contentType);
  if (!parser || !response.body || response.bodyUsed) return;
  const copy = response.clone().body;
  if (!copy) return;
  const outcome = await feedStream(copy, parser);
  finishAndReport(parser, outcome.aborted, meta, contentType, post, outcome.firstByteAt);
}

export function wrapFetch(win: typeof globalThis, post: Post): void {
  const native = win.fetch;
  if (typeof native !== 'function') return;
  // A Proxy keeps name, length and the native toString, so pages that inspect fetch see no difference.
  win.fetch = new Proxy(native, {
    apply(target, thisArg, args: unknown[]) {
      const promise = apply(target, thisArg, args) as Promise<Response>;
      try {
        const meta = describe(args);
        promise.then(
          (res) => tap(res, meta, post).catch(() => {}),
          () => {}, // the page handles its own rejection; ours must never surface
        );
      } catch {
        // never let our bookkeeping reach the page
      }
      return promise;
    },
  });
}
