/**
 * EventSource and WebSocket: the browser has already split the stream into events, so each one is
 * re-framed as an SSE event and fed to the same parsers as fetch bodies.
 */
import { createBodyParser } from '../parsers';
import type { BodyParser } from '../parsers/types';
import { currentGesture, finishAndReport, type CallMeta, type Post } from './report';

const apply = Reflect.apply;
const construct = Reflect.construct;
const MAX_FRAME = 4 * 1024 * 1024;

function asSse(type: string, data: string): string {
  return `event: ${type}\ndata: ${data.replace(/\r?\n/g, '\ndata: ')}\n\n`;
}

/** One parser per connection; finished when the connection closes, then a fresh one for what follows. */
function session(meta: () => CallMeta, post: Post) {
  let parser: BodyParser | null = null;
  let firstAt: number | undefined;
  return {
    push(type: string, data: unknown) {
      if (typeof data !== 'string' || data.length > MAX_FRAME) return;
      parser ??= createBodyParser('text/event-stream');
      firstAt ??= performance.now();
      parser?.push(asSse(type, data));
    },
    end(aborted: boolean) {
      if (!parser) return;
      const p = parser;
      parser = null;
      finishAndReport(p, aborted, meta(), 'text/event-stream', post, firstAt);
      firstAt = undefined;
    },
  };
}

export function wrapEventSource(win: typeof globalThis, post: Post): void {
  const Native = win.EventSource;
  if (typeof Native !== 'function') return;
  const listen = EventTarget.prototype.addEventListener;
  const sessions = new WeakMap<EventSource, { tapped: Set<string>; s: ReturnType<typeof session> }>();
  const tapType = (es: EventSource, type: string) => {
    const entry = sessions.get(es);
    if (!entry || entry.tapped.has(type) || type === 'open' || type === 'error') return;
    entry.tapped.add(type);
    apply(listen, es, [type, (e: MessageEvent) => entry.s.push(type, e.data)]);
  };

  win.EventSource = new Proxy(Native, {
    construct(target, args: unknown[], newTarget) {
      const es = construct(target, args, newTarget) as EventSource;
      try {
        const meta: CallMeta = {
          transport: 'eventsource',
          url: es.url,
          method: 'GET',
          startedAt: Date.now(),
          t0: performance.now(),
          gesture: currentGesture(),
        };
        sessions.set(es, { tapped: new Set(), s: session(() => meta, post) });
        tapType(es, 'message');
        apply(listen, es, [
          'error',
          () => {
            if (es.readyState === 2) sessions.get(es)?.s.end(true);
          },
        ]);
      } catch {
        /* ignore */
      }
      return es;
    },
  });
  // Named events (`event: response.completed`) reach only listeners for that name: tap each name the
  // page itself subscribes to.
  const proto = Native.prototype;
  proto.addEventListener = new Proxy(proto.addEventListener, {
    apply(target, thisArg: EventSource, args: unknown[]) {
      try {
        if (typeof args[0] === 'string') tapType(thisArg, args[0]);
      } catch {
        /* ignore */
      }
      return apply(target, thisArg, args);
    },
  });
  proto.close = new Proxy(proto.close, {
    apply(target, thisArg: EventSource, args: unknown[]) {
      const result = apply(target, thisArg, args);
      try {
        sessions.get(thisArg)?.s.end(false);
      } catch {
        /* ignore */
      }
      return result;
    },
  });
}

export function wrapWebSocket(win: typeof globalThis, post: Post): void {
  const Native = win.WebSocket;
  if (typeof Native !== 'function') return;
  const listen = EventTarget.prototype.addEventListener;
  win.WebSocket = new Proxy(Native, {
    construct(target, args: unknown[], newTarget) {
      const ws = construct(target, args, newTarget) as WebSocket;
      try {
        const meta: CallMeta = {
          transport: 'websocket',
          url: ws.url.replace(/^ws/, 'http'),
          method: 'GET',
          startedAt: Date.now(),
          t0: performance.now(),
          gesture: currentGesture(),
        };
        const s = session(() => meta, post);
        apply(listen, ws, ['message', (e: MessageEvent) => s.push('message', e.data)]);
        apply(listen, ws, ['close', (e: CloseEvent) => s.end(!e.wasClean)]);
      } catch {
        /* ignore */
      }
      return ws;
    },
  });
}
