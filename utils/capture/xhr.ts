/** Wraps XMLHttpRequest: reads responseText as it grows (progress events), finishes at loadend. */
import { createBodyParser } from '../parsers';
import type { BodyParser } from '../parsers/types';
import { currentGesture, finishAndReport, requestBodyOf, trace, type CallMeta, type Post } from './report';
import { MAX_BODY_BYTES } from './read-stream';
import { isWorthReading } from './filters';
import { pageContext, routeOf } from './adapters';

const apply = Reflect.apply;

export function wrapXhr(win: typeof globalThis, post: Post): void {
  const XHR = win.XMLHttpRequest;
  if (typeof XHR !== 'function') return;
  const proto = XHR.prototype;
  const nativeOpen = proto.open;
  const nativeSend = proto.send;
  const listen = EventTarget.prototype.addEventListener;
  const unlisten = EventTarget.prototype.removeEventListener;
  const getHeader = proto.getResponseHeader;
  const calls = new WeakMap<XMLHttpRequest, { method: string; url: string }>();

  proto.open = new Proxy(nativeOpen, {
    apply(target, thisArg: XMLHttpRequest, args: unknown[]) {
      try {
        calls.set(thisArg, { method: String(args[0]), url: String(args[1]) });
      } catch {
        /* ignore */
      }
      return apply(target, thisArg, args);
    },
  });

  proto.send = new Proxy(nativeSend, {
    apply(target, xhr: XMLHttpRequest, args: unknown[]) {
      try {
        const call = calls.get(xhr);
        const route = call ? routeOf(call.url) : undefined;
        if (call && route && route.kind !== 'skip' && isWorthReading(call.url))
          watch(xhr, {
            transport: 'xhr',
            ...call,
            startedAt: Date.now(),
            t0: performance.now(),
            requestBody: requestBodyOf(args[0]),
            gesture: currentGesture(),
            ...(route.kind === 'adapter' ? { adapter: route.adapter } : {}),
          });
      } catch {
        /* ignore */
      }
      return apply(target, xhr, args);
    },
  });

  function watch(xhr: XMLHttpRequest, meta: CallMeta) {
    let parser: BodyParser | null | undefined;
    let contentType = '';
    let offset = 0;
    let firstByteAt: number | undefined;
    let aborted = false;
    const readText = () => {
      if (!parser || (xhr.responseType !== '' && xhr.responseType !== 'text')) return;
      const text = xhr.responseText;
      if (text.length > offset && offset < MAX_BODY_BYTES) {
        firstByteAt ??= performance.now();
        parser.push(text.slice(offset));
        offset = text.length;
      }
    };
    const onState = () => {
      try {
        if (parser === undefined && xhr.readyState >= 2) {
          contentType = (apply(getHeader, xhr, ['content-type']) as string | null) ?? '';
          if (meta.adapter) {
            meta.status = xhr.status;
            parser = meta.adapter.createParser(
              { url: meta.url, method: meta.method, contentType, requestBody: meta.requestBody },
              pageContext(),
            );
          } else parser = createBodyParser(contentType);
          if (!parser) {
            trace(meta, contentType, 'not-read', { reason: `content type ${contentType || '(none)'} is not read` });
            detach();
          }
        }
        if (xhr.readyState >= 3) readText();
      } catch {
        detach();
      }
    };
    const onAbort = () => {
      aborted = true;
    };
    const onEnd = () => {
      try {
        if (parser === undefined) onState();
        if (parser) {
          if (xhr.responseType === 'json' && xhr.response !== null) parser.push(JSON.stringify(xhr.response));
          else readText();
          finishAndReport(parser, aborted || xhr.status === 0, meta, contentType, post, firstByteAt);
        }
      } catch {
        /* never reaches the page */
      }
      detach();
    };
    function detach() {
      apply(unlisten, xhr, ['readystatechange', onState]);
      apply(unlisten, xhr, ['progress', onState]);
      apply(unlisten, xhr, ['abort', onAbort]);
      apply(unlisten, xhr, ['loadend', onEnd]);
    }
    apply(listen, xhr, ['readystatechange', onState]);
    apply(listen, xhr, ['progress', onState]);
    apply(listen, xhr, ['abort', onAbort]);
    apply(listen, xhr, ['loadend', onEnd]);
  }
}
