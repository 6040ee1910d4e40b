/**
 * The isolated-world relay: everything arriving from the page's world is untrusted (a page can call the
 * wrapped fetch itself), so each message is validated, rate-limited, tagged with the page's origin as
 * the relay sees it, and only then put in the outbox.
 */
import { browser } from '#imports';
import { PageMessage, type ContentMessage } from './messages';
import type { Outbox } from './outbox';
import { conversationKey, pageTitle } from './page-key';

/** Token bucket: a burst of 100 facts, then 5 per second; enough for any human or agent session. */
const BURST = 100;
const REFILL_PER_SEC = 5;
const HEALTH_REPORT_MS = 2_000;

export interface RelayDeps {
  site: string;
  outbox: Pick<Outbox, 'add'>;
  /** Sends health counters and outcome hints (copy) to the background; best effort. */
  sendHealth?: (msg: ContentMessage) => Promise<unknown>;
  now?: () => number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  /** Runs `fn` when the page goes away (default: the window's `pagehide`), so pending health is not lost. */
  onPageHide?: (fn: () => void) => void;
  /** The conversation and title the page shows now (default: from location and document.title). */
  page?: () => { conv?: string; title?: string };
  /** Runs `fn` when the user copies text on the page (default: trusted `copy` events on the document). */
  onCopy?: (fn: () => void) => void;
  /** Whether page titles may be kept for this site (the privacy setting; default yes). */
  keepTitles?: () => boolean;
}

function currentPage(): { conv?: string; title?: string } {
  if (typeof location === 'undefined' || typeof document === 'undefined') return {};
  return { conv: conversationKey(location.pathname, location.search), title: pageTitle(document.title) };
}

const onDocumentCopy = (fn: () => void) => {
  if (typeof document === 'undefined') return;
  document.addEventListener(
    'copy',
    (e) => {
      if (e.isTrusted) fn();
    },
    { capture: true, passive: true },
  );
};

/** At most one copy hint per this many ms (selecting and copying a code block often fires twice). */
const COPY_GAP_MS = 2_000;

const onWindowPageHide = (fn: () => void) => {
  if (typeof globalThis.addEventListener === 'function') globalThis.addEventListener('pagehide', fn);
};

export function createRelay(deps: RelayDeps) {
  const now = deps.now ?? (() => Date.now());
  const setTimer = deps.setTimer ?? ((fn: () => void, ms: number) => setTimeout(fn, ms));
  const sendHealth = deps.sendHealth ?? ((msg: ContentMessage) => browser.runtime.sendMessage(msg));
  let tokens = BURST;
  let lastRefill = now();
  let unrecognised = 0;
  let rejected = 0;
  let lastContentType: string | undefined;
  let healthScheduled = false;
  const page = deps.page ?? currentPage;
  /** Conversations on this page that have turns: a copy only means something there. */
  const withTurns = new Set<string>();
  let lastCopy = -Infinity;

  const take = () => {
    const t = now();
    tokens = Math.min(BURST, tokens + ((t - lastRefill) / 1000) * REFILL_PER_SEC);
    lastRefill = t;
    if (tokens < 1) return false;
    tokens -= 1;
    return true;
  };

  /** Sends what the counters hold now (nothing when they are empty). */
  const flushHealth = () => {
    if (unrecognised === 0 && rejected === 0) return;
    const msg: ContentMessage = { type: 'health', site: deps.site, unrecognised, rejected, lastContentType };
    unrecognised = 0;
    rejected = 0;
    void sendHealth(msg).catch(() => {}); // best effort: health counters are advisory
  };

  const reportHealthSoon = () => {
    if (healthScheduled) return;
    healthScheduled = true;
    setTimer(() => {
      healthScheduled = false;
      flushHealth();
    }, HEALTH_REPORT_MS);
  };
  // A page closed or navigated away within the report delay would otherwise take its counts with it.
  (deps.onPageHide ?? onWindowPageHide)(flushHealth);

  (deps.onCopy ?? onDocumentCopy)(() => {
    try {
      const { conv } = page();
      const t = now();
      if (!conv || !withTurns.has(conv) || t - lastCopy < COPY_GAP_MS) return;
      lastCopy = t;
      void sendHealth({ type: 'copied', site: deps.site, conv }).catch(() => {}); // a hint: best effort
    } catch {
      // never disturb the page
    }
  });

  /** Handles one message from the page's world. Returns what happened, for tests and dev logging. */
  function receive(data: unknown): 'stored' | 'rejected' | 'limited' | 'noted' {
    let parsed: ReturnType<typeof PageMessage.safeParse>;
    try {
      parsed = PageMessage.safeParse(data);
    } catch {
      parsed = { success: false } as typeof parsed; // a hostile getter; structured clone makes this unlikely
    }
    if (!parsed.success) {
      rejected++;
      reportHealthSoon();
      return 'rejected';
    }
    if (!take()) {
      rejected++;
      reportHealthSoon();
      return 'limited';
    }
    const msg = parsed.data;
    switch (msg.type) {
      case 'usage': {
        const { conv, title } = page();
        if (conv && !msg.fact.runId) withTurns.add(conv);
        const keep = title && (deps.keepTitles?.() ?? true);
        const fact = { site: deps.site, fact: msg.fact, ...(conv ? { conv } : {}), ...(keep ? { title } : {}) };
        void deps.outbox.add(fact).catch(() => {});
        return 'stored';
      }
      case 'unrecognised':
        unrecognised++;
        lastContentType = msg.contentType;
        reportHealthSoon();
        return 'noted';
      default: {
        const never: never = msg;
        return never;
      }
    }
  }

  return { receive };
}
