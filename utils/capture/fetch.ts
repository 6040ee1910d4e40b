/** Wraps window.fetch. The page gets the very Response the browser produced; we read a clone. */
import { bodyKind, createBodyParser } from '../parsers';
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
    body: getter('body'),
    bodyUsed: getter('bodyUsed'),
    headers: getter('headers'),
    get: Headers.prototype.get,
  };
  return typeof n.clone === 'function' && n.body && n.bodyUsed && n.headers && typeof n.get === 'function'
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
  const copy = apply(n.body, apply(n.clone, response, []), []);
  if (!copy) return;
  const outcome = await feedStream(copy, parser, { gulps: bodyKind(contentType) !== 'json' });
  finishAndReport(parser, outcome.aborted, meta, contentType, post, outcome.firstByteAt);
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
