/**
 * EventSource and WebSocket: the browser has already split the stream into events, so each one is
 * re-framed as an SSE event and fed to the same parsers as fetch bodies.
 */
import { createBodyParser } from '../parsers';
import type { BodyParser } from '../parsers/types';
import { currentGesture, finishAndReport, reportTurns, type CallMeta, type Post } from './report';
import { pageContext, routeOf } from './adapters';
import type { SocketParser } from '../adapters/types';

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
  const create = (): BodyParser | null => {
    const m = meta();
    return m.adapter
      ? m.adapter.createParser(
          { url: m.url, method: m.method, contentType: 'text/event-stream', requestBody: m.requestBody },
          pageContext(),
        )
      : createBodyParser('text/event-stream');
  };
  return {
    push(type: string, data: unknown) {
      if (typeof data !== 'string' || data.length > MAX_FRAME) return;
      parser ??= create();
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
        const route = routeOf(es.url);
        if (route.kind === 'skip') return es;
        const meta: CallMeta = {
          ...(route.kind === 'adapter' ? { adapter: route.adapter } : {}),
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

/**
 * A public app's chat socket (Copilot): its adapter's parser sees the frames both ways and reports each reply
 * as it ends; each reply is a call of its own (its start is the page's last send).
 */
function socketSession(parser: SocketParser, base: CallMeta, post: Post) {
  let meta = base;
  let firstAt: number | undefined;
  let reported = false;
  let heard = false;
  const report = (turns: ReturnType<SocketParser['frame']>, end = false) => {
    // At the close, a socket that carried frames but never a reply its adapter could read is drift.
    if (turns.length > 0 || (end && heard && !reported)) {
      reported ||= turns.length > 0;
      reportTurns(turns, parser.recognised || turns.length > 0, meta, 'websocket', post, firstAt);
      firstAt = undefined;
    }
  };
  return {
    sent(data: unknown) {
      if (typeof data !== 'string' || data.length > MAX_FRAME) return;
      meta = { ...base, startedAt: Date.now(), t0: performance.now(), gesture: currentGesture() };
      report(parser.frame('sent', data));
    },
    received(data: unknown) {
      if (typeof data !== 'string' || data.length > MAX_FRAME) return;
      firstAt ??= performance.now();
      heard = true;
      report(parser.frame('received', data));
    },
    close() {
      report(parser.close(), true);
    },
  };
}

export function wrapWebSocket(win: typeof globalThis, post: Post): void {
  const Native = win.WebSocket;
  if (typeof Native !== 'function') return;
  const listen = EventTarget.prototype.addEventListener;
  const sockets = new WeakMap<WebSocket, ReturnType<typeof socketSession>>();
  const nativeSend = Native.prototype.send;
  Native.prototype.send = new Proxy(nativeSend, {
    apply(target, thisArg: WebSocket, args: unknown[]) {
      try {
        sockets.get(thisArg)?.sent(args[0]);
      } catch {
        /* ignore */
      }
      return apply(target, thisArg, args);
    },
  });
  win.WebSocket = new Proxy(Native, {
    construct(target, args: unknown[], newTarget) {
      const ws = construct(target, args, newTarget) as WebSocket;
      try {
        const url = ws.url.replace(/^ws/, 'http');
        const route = routeOf(url);
        if (route.kind === 'skip') return ws;
        const meta: CallMeta = {
          transport: 'websocket',
          url,
          method: 'GET',
          startedAt: Date.now(),
          t0: performance.now(),
          gesture: currentGesture(),
        };
        if (route.kind === 'adapter') {
          const parser = route.adapter.createSocketParser?.(ws.url, pageContext());
          if (!parser) return ws;
          const s = socketSession(parser, { ...meta, adapter: route.adapter }, post);
          sockets.set(ws, s);
          apply(listen, ws, ['message', (e: MessageEvent) => s.received(e.data)]);
          apply(listen, ws, ['close', () => s.close()]);
          return ws;
        }
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
