/** Wraps window.fetch. The page gets the very Response the browser produced; we read a clone. */
import { bodyKind, createBodyParser, JSON_CAP } from '../parsers';
import { feedStream } from './read-stream';
import { isWorthReading } from './filters';
import { currentGesture, finishAndReport, requestBodyOf, trace, type CallMeta, type Post } from './report';
import { pageContext, routeOf } from './adapters';
import type { BodyParser } from '../parsers/types';

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

/**
 * The Response and Headers members we use, bound when the hook installs (document_start, before any page
 * script). A page that later replaces `Response.prototype.clone` or the body getters must neither see our
 * calls nor have a broken replacement (one that returns the response itself) lock its own body.
 */
interface Natives {
  clone: (this: Response) => Response;
  text: (this: Response) => Promise<string>;
  body: (this: Response) => ReadableStream<Uint8Array> | null;
  bodyUsed: (this: Response) => boolean;
  headers: (this: Response) => Headers;
  get: (this: Headers, name: string) => string | null;
}

function bindNatives(): Natives | undefined {
  if (typeof Response !== 'function' || typeof Headers !== 'function') return undefined;
  const getter = (name: string) => Object.getOwnPropertyDescriptor(Response.prototype, name)?.get;
  const n = {
    clone: Response.prototype.clone,
    text: Response.prototype.text,
    body: getter('body'),
    bodyUsed: getter('bodyUsed'),
    headers: getter('headers'),
    get: Headers.prototype.get,
  };
  return typeof n.clone === 'function' &&
    typeof n.text === 'function' &&
    n.body &&
    n.bodyUsed &&
    n.headers &&
    typeof n.get === 'function'
    ? (n as Natives)
    : undefined;
}

async function tap(response: Response, meta: CallMeta, post: Post, n: Natives): Promise<void> {
  const contentType = apply(n.get, apply(n.headers, response, []), ['content-type']) ?? '';
  const route = routeOf(meta.url);
  if (route.kind === 'skip') return; // a public app's other traffic: not ours to read
  if (!isWorthReading(meta.url)) return trace(meta, contentType, 'skipped', { reason: 'static asset' });
  let parser: BodyParser | null;
  if (route.kind === 'adapter') {
    meta.adapter = route.adapter;
    meta.status = response.status;
    parser = route.adapter.createParser(
      { url: meta.url, method: meta.method, contentType, requestBody: meta.requestBody },
      pageContext(),
    );
  } else parser = createBodyParser(contentType);
  if (!parser)
    return trace(meta, contentType, 'not-read', { reason: `content type ${contentType || '(none)'} is not read` });
  if (!apply(n.body, response, []) || apply(n.bodyUsed, response, [])) {
    return trace(meta, contentType, 'not-read', { reason: 'no body' });
  }
  const kind = bodyKind(contentType);
  const length = kind === 'json' ? contentLength(response, n) : undefined;
  if (length !== undefined && length <= MAX_WHOLE_JSON) return readWhole(response, parser, meta, contentType, post, n);
  const copy = apply(n.body, apply(n.clone, response, []), []);
  if (!copy) return;
  const outcome = await feedStream(copy, parser, { gulps: kind !== 'json' });
  finishAndReport(parser, outcome.aborted, meta, contentType, post, outcome.firstByteAt);
}

/**
 * A JSON body whose length the server announced is a complete answer, not a reply still being generated
 * (those are chunked, with no length): the parser needs all of it anyway, and one native `text()` of our
 * clone costs far less on the page's main thread than reading and decoding it chunk by chunk. A body
 * that fails half way (the page aborted) has nothing a JSON parser could use.
 */
async function readWhole(
  response: Response,
  parser: BodyParser,
  meta: CallMeta,
  contentType: string,
  post: Post,
  n: Natives,
): Promise<void> {
  const firstByteAt = performance.now(); // the headers are here; a complete answer's body follows at once
  let text: string;
  try {
    text = await apply(n.text, apply(n.clone, response, []), []);
  } catch {
    return finishAndReport(parser, true, meta, contentType, post, firstByteAt);
  }
  parser.push(text);
  finishAndReport(parser, false, meta, contentType, post, firstByteAt);
}

/**
 * Bytes past which a JSON body cannot be under the parser's cap (UTF-8 takes at most 3 bytes per UTF-16 unit):
 * such a body is streamed instead, so that an array's elements are still read one at a time.
 */
const MAX_WHOLE_JSON = 4 * JSON_CAP;

/** The announced body length (Content-Length is readable cross-origin too); undefined when absent. */
function contentLength(response: Response, n: Natives): number | undefined {
  const v = apply(n.get, apply(n.headers, response, []), ['content-length']);
  const len = v === null ? NaN : Number(v);
  return Number.isSafeInteger(len) && len >= 0 ? len : undefined;
}

export function wrapFetch(win: typeof globalThis, post: Post): void {
  const native = win.fetch;
  const natives = bindNatives();
  if (typeof native !== 'function' || !natives) return;
  // A Proxy keeps name, length and the native toString, so pages that inspect fetch see no difference.
  win.fetch = new Proxy(native, {
    apply(target, thisArg, args: unknown[]) {
      const promise = apply(target, thisArg, args) as Promise<Response>;
      try {
        const meta = describe(args);
        promise.then(
          (res) => tap(res, meta, post, natives).catch(() => {}),
          () => {}, // the page handles its own rejection; ours must never surface
        );
      } catch {
        // never let our bookkeeping reach the page
      }
      return promise;
    },
  });
}
