/**
 * The private channel between the MAIN-world hook and the isolated relay.
 *
 * Both scripts run at document_start, before any page script, but in no guaranteed order. Whichever runs
 * second completes a synchronous handshake: the relay dispatches a MessageEvent carrying one end of a
 * MessageChannel; the hook accepts it by calling preventDefault(). Both sides stop listening at the first
 * DOM mutation, before the page's own scripts can join in, so a page can neither obtain the port nor
 * forge an offer. (Verified in ../shared/docs/wxt-recipes.md §2-3.)
 */
const EVENT = '__tokenwise_bridge__'; // a namespace, not a secret
const HELLO = 'tokenwise:hello';
const OFFER = 'tokenwise:offer';
const QUEUE_LIMIT = 500;

/**
 * When the handshake window closes. At document_start: the first DOM mutation, before any page script.
 * Injected later into a live page ("Test this site"), the two scripts arrive in separate tasks while the
 * DOM keeps changing, so there the window is a short time instead.
 */
export interface BridgeOptions {
  windowMs?: number;
}

/** Options of the hook's end: what to do with the relay's messages (its config). */
export interface HookBridgeOptions extends BridgeOptions {
  onMessage?: (data: unknown) => void;
}

function closeWindow(stop: () => void, options: BridgeOptions): { disconnect(): void } {
  if (options.windowMs !== undefined) {
    const timer = setTimeout(stop, options.windowMs);
    return { disconnect: () => clearTimeout(timer) };
  }
  const mo = new MutationObserver(stop);
  mo.observe(document, { childList: true, subtree: true });
  return mo;
}

/**
 * Isolated world: owns one end of the channel and hands the other to the hook exactly once. Returns a
 * function that sends to the hook (its config); what is sent before the hook connects waits, and only the
 * latest such message is kept (a config replaces the one before it).
 */
export function openRelayBridge(
  onMessage: (data: unknown) => void,
  options: BridgeOptions = {},
): (message: unknown) => void {
  let connected: MessagePort | undefined;
  let waiting: { message: unknown } | undefined;
  const stop = () => {
    window.removeEventListener(EVENT, onHello, true);
    observer.disconnect();
  };
  const offer = () => {
    if (connected) return;
    const { port1, port2 } = new MessageChannel();
    const ev = new MessageEvent(EVENT, { data: OFFER, ports: [port2], cancelable: true });
    window.dispatchEvent(ev); // synchronous: the hook's listener runs before this returns
    if (!ev.defaultPrevented) {
      port1.close();
      return;
    }
    connected = port1;
    port1.onmessage = (e: MessageEvent) => onMessage(e.data);
    stop();
    if (waiting) port1.postMessage(waiting.message);
    waiting = undefined;
  };
  function onHello(e: Event) {
    if (e instanceof MessageEvent && e.data === HELLO) offer();
  }
  window.addEventListener(EVENT, onHello, true);
  const observer = closeWindow(stop, options);
  offer(); // succeeds at once when the hook ran first
  return (message) => {
    if (connected) connected.postMessage(message);
    else waiting = { message };
  };
}

/**
 * MAIN world: accepts one port and returns a `post` function. Messages sent before the relay connects
 * are queued (bounded), so early requests are not lost. The relay's messages on the same private port go to
 * `options.onMessage`.
 */
export function openHookBridge(options: HookBridgeOptions = {}): (message: unknown) => void {
  let post: ((m: unknown) => void) | undefined;
  const queue: unknown[] = [];
  // Bound now, before any page script could patch MessagePort.prototype or Function.prototype.
  const portPost = MessagePort.prototype.postMessage;
  const listen = EventTarget.prototype.addEventListener;
  const portStart = MessagePort.prototype.start;
  const dataOf = Object.getOwnPropertyDescriptor(MessageEvent.prototype, 'data')?.get;
  const call = Reflect.apply;
  const stop = () => {
    window.removeEventListener(EVENT, onOffer, true);
    observer.disconnect();
  };
  function onOffer(e: Event) {
    if (post || !(e instanceof MessageEvent) || e.data !== OFFER || !e.ports[0]) return;
    e.preventDefault();
    e.stopImmediatePropagation();
    const port = e.ports[0];
    post = (m) => call(portPost, port, [m]);
    const { onMessage } = options;
    if (onMessage && dataOf) {
      call(listen, port, ['message', (ev: MessageEvent) => onMessage(call(dataOf, ev, []))]);
      call(portStart, port, []);
    }
    stop();
    for (const m of queue.splice(0)) post(m);
  }
  window.addEventListener(EVENT, onOffer, true);
  const observer = closeWindow(stop, options);
  window.dispatchEvent(new MessageEvent(EVENT, { data: HELLO })); // reaches the relay if it ran first
  return (m) => {
    if (post) post(m);
    else if (queue.length < QUEUE_LIMIT) queue.push(m);
  };
}
