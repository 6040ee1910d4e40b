/**
 * The isolated-world relay: everything arriving from the page's world is untrusted (a page can call the
 * wrapped fetch itself), so each message is validated, rate-limited, tagged with the page's origin as
 * the relay sees it, and only then put in the outbox. It also applies the site's privacy settings: no
 * title where titles are off, nothing from a private window unless allowed, and turn text only where the
 * person turned text storage on (the background checks all of these again).
 */
import { browser } from '#imports';
import type { ContentMessage, HookConfig, PageMessage } from './messages';
import type { Outbox } from './outbox';
import { WIRE_FORMAT_IDS } from './parsers/types';
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
  /**
   * The site's privacy settings as known when the relay starts; `null` while they are still loading (then
   * usage facts wait, bounded, until `setPrivacy`). Default: `DEFAULT_RELAY_PRIVACY`.
   */
  privacy?: RelayPrivacy | null;
  /** Sends a turn's text to the background; best effort, not through the outbox (default: runtime.sendMessage). */
  sendText?: (msg: ContentMessage) => Promise<unknown>;
  /** Tells the hook, over the private port, whether to send turn text. */
  configureHook?: (config: HookConfig) => void;
}

/** What the relay applies of the person's privacy settings for its own page. */
export interface RelayPrivacy {
  /** Forward each turn's prompt and reply text (the site's `storeText`). */
  storeText: boolean;
  /** Keep the page title with a fact (the site's `keepTitles`). */
  keepTitles: boolean;
  /** Record anything at all: false in a private window unless `trackIncognito` is on. */
  record: boolean;
}

/** The defaults of utils/settings.ts for a site with no entry, in a normal window. */
export const DEFAULT_RELAY_PRIVACY: RelayPrivacy = { storeText: false, keepTitles: true, record: true };

/** Facts that may wait for the settings to load (they arrive within milliseconds of the page starting). */
const WAITING_LIMIT = 100;

/**
 * `storage.local` key of `settingsItem` (`local:settings` in utils/settings.ts). The relay reads the raw
 * value rather than importing that module, so neither WXT's storage wrapper nor the settings schemas enter
 * the content-script bundle (tests/unit/relay-text.test.ts keeps the two in step).
 */
export const SETTINGS_STORAGE_KEY = 'settings';

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Reads one site's privacy from the raw stored settings. Anything missing or malformed reads as the private
 * choice: text only on an explicit `true`, titles dropped only on an explicit `false` (the default keeps
 * them), a private window recorded only on an explicit `trackIncognito: true`. The background parses the
 * same value with the full Zod schema and re-applies every one of these choices.
 */
export function readSitePrivacy(raw: unknown, site: string, incognito: boolean): RelayPrivacy {
  try {
    const s = isObj(raw) ? raw : {};
    const sites = isObj(s.sites) ? s.sites : {};
    const own = Object.prototype.hasOwnProperty.call(sites, site) ? sites[site] : undefined;
    const entry = isObj(own) ? own : {};
    return {
      storeText: entry.storeText === true,
      keepTitles: entry.keepTitles !== false,
      record: !incognito || s.trackIncognito === true,
    };
  } catch {
    return { storeText: false, keepTitles: false, record: !incognito };
  }
}

/**
 * Reads the site's privacy once and follows every change (storage.onChanged), calling `onChange` with each
 * value; a read that fails gives the defaults. Listens before it reads, so no change is missed.
 */
export function followSitePrivacy(site: string, incognito: boolean, onChange: (p: RelayPrivacy) => void): void {
  let changed = false;
  browser.storage.onChanged.addListener((changes, area) => {
    if (area !== 'local' || !(SETTINGS_STORAGE_KEY in changes)) return;
    changed = true;
    onChange(readSitePrivacy(changes[SETTINGS_STORAGE_KEY]?.newValue, site, incognito));
  });
  const first = (raw: unknown) => {
    if (!changed) onChange(readSitePrivacy(raw, site, incognito));
  };
  browser.storage.local.get(SETTINGS_STORAGE_KEY).then(
    (r) => first(r[SETTINGS_STORAGE_KEY]),
    () => first(undefined),
  );
}

// Structural validation of page messages. The relay checks every message from the page's world against
// the contract in utils/messages.ts by hand instead of with Zod, which keeps Zod out of the content-script
// bundle (the budget of tests/bench/bundles.ts); the background validates again with the Zod schemas, and
// tests/unit/relay-text.test.ts proves on a corpus of valid and mutated messages that this check accepts
// exactly what `PageMessage.safeParse` accepts.
const MAX_TOKENS = 50_000_000;
const DAY_MS = 86_400_000;
const FORMATS = new Set<string>(WIRE_FORMAT_IDS);
const TRANSPORTS = new Set(['fetch', 'xhr', 'eventsource', 'websocket']);
const SOURCES = new Set(['exact', 'tokenized', 'estimated']);
const STATUSES = new Set(['complete', 'aborted']);
const RUN_STATUSES = new Set(['running', 'completed', 'failed', 'cancelled']);
const ORIGIN = /^https?:\/\/[^/?#\s]+$/;
const TEXT_MAX = 65_536; // TEXT_MAX in utils/messages.ts

type Check = (v: unknown) => boolean;
const text =
  (min: number, max: number): Check =>
  (v) =>
    typeof v === 'string' && v.length >= min && v.length <= max;
const oneOf =
  (set: Set<string>): Check =>
  (v) =>
    typeof v === 'string' && set.has(v);
const range =
  (min: number, max: number): Check =>
  (v) =>
    typeof v === 'number' && v >= min && v <= max;
const int =
  (min: number, max: number): Check =>
  (v) =>
    Number.isInteger(v) && range(min, max)(v);
const bool: Check = (v) => typeof v === 'boolean';
const origin: Check = (v) => text(0, 300)(v) && ORIGIN.test(v as string);
const optional =
  (c: Check): Check =>
  (v) =>
    v === undefined || c(v);
const toolName = text(1, 80);
const toolCount = int(1, 100_000);
const toolCalls: Check = (v) => {
  if (!isObj(v)) return false;
  const keys = Object.keys(v);
  return keys.length <= 64 && keys.every((k) => toolName(k) && toolCount(v[k]));
};

/** An object with exactly these fields (optional ones may be absent or undefined), each passing its check. */
const strict =
  (shape: Record<string, Check>): Check =>
  (v) => {
    if (!isObj(v)) return false;
    for (const k of Object.keys(v)) if (!Object.prototype.hasOwnProperty.call(shape, k)) return false;
    for (const k in shape) if (!shape[k]!(v[k])) return false;
    return true;
  };

const epoch = range(1_500_000_000_000, 4_000_000_000_000);
/** QuotaWindow in utils/messages.ts, at most 8 (a hole reads as undefined, as Zod reads it). */
const quotaWindow = strict({ kind: text(1, 40), utilization: range(0, 1), resetsAt: optional(epoch) });
const quota: Check = (v) => Array.isArray(v) && v.length <= 8 && [...v].every(quotaWindow);

const usageFact = strict({
  key: text(1, 240),
  format: oneOf(FORMATS),
  transport: oneOf(TRANSPORTS),
  model: optional(text(1, 120)),
  inputTokens: int(0, MAX_TOKENS),
  outputTokens: int(0, MAX_TOKENS),
  source: oneOf(SOURCES),
  status: oneOf(STATUSES),
  startedAt: epoch,
  durationMs: optional(range(0, DAY_MS)),
  firstByteMs: optional(range(0, DAY_MS)),
  apiOrigin: origin,
  background: optional(bool),
  runId: optional(text(1, 200)),
  runStatus: optional(oneOf(RUN_STATUSES)),
  runName: optional(text(1, 200)),
  toolCalls: optional(toolCalls),
  snapshot: optional(bool),
  quota: optional(quota),
});

const literal =
  (value: string): Check =>
  (v) =>
    v === value;
const PAGE_MESSAGES: Record<string, Check> = {
  usage: strict({ type: literal('usage'), fact: usageFact }),
  unrecognised: strict({ type: literal('unrecognised'), apiOrigin: origin, contentType: text(0, 120) }),
  count: strict({
    type: literal('count'),
    key: text(1, 240),
    prompt: optional(text(0, TEXT_MAX)),
    reply: optional(text(0, TEXT_MAX)),
    contextTokens: int(0, MAX_TOKENS),
  }),
  text: strict({
    type: literal('text'),
    key: text(1, 240),
    prompt: optional(text(0, TEXT_MAX)),
    reply: optional(text(0, TEXT_MAX)),
  }),
};

/** The message if it is a valid PageMessage (see utils/messages.ts), else undefined. Never throws. */
export function checkPageMessage(data: unknown): PageMessage | undefined {
  try {
    if (!isObj(data) || typeof data.type !== 'string') return undefined;
    const check = Object.prototype.hasOwnProperty.call(PAGE_MESSAGES, data.type) ? PAGE_MESSAGES[data.type] : undefined;
    return check?.(data) ? (data as PageMessage) : undefined;
  } catch {
    return undefined; // a hostile getter; structured clone makes this unlikely
  }
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
  const sendText = deps.sendText ?? ((msg: ContentMessage) => browser.runtime.sendMessage(msg));
  let privacy: RelayPrivacy | null = deps.privacy === undefined ? DEFAULT_RELAY_PRIVACY : deps.privacy;
  /** Usage facts that arrived before the settings loaded (validated and counted against the rate limit). */
  const waiting: Extract<PageMessage, { type: 'usage' }>[] = [];
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

  /** Puts one validated fact in the outbox, as the settings allow. */
  const store = (msg: Extract<PageMessage, { type: 'usage' }>, p: RelayPrivacy) => {
    if (!p.record) return 'dropped' as const;
    const { conv, title } = page();
    if (conv && !msg.fact.runId) withTurns.add(conv);
    const keep = title && p.keepTitles;
    const fact = { site: deps.site, fact: msg.fact, ...(conv ? { conv } : {}), ...(keep ? { title } : {}) };
    void deps.outbox.add(fact).catch(() => {});
    return 'stored' as const;
  };

  /** Handles one message from the page's world. Returns what happened, for tests and dev logging. */
  function receive(data: unknown): 'stored' | 'rejected' | 'limited' | 'noted' | 'queued' | 'dropped' | 'sent' {
    const msg = checkPageMessage(data);
    if (!msg) {
      rejected++;
      reportHealthSoon();
      return 'rejected';
    }
    if (!take()) {
      rejected++;
      reportHealthSoon();
      return 'limited';
    }
    switch (msg.type) {
      case 'usage': {
        if (privacy) return store(msg, privacy);
        if (waiting.length >= WAITING_LIMIT) return 'dropped';
        waiting.push(msg);
        return 'queued';
      }
      case 'text': {
        // Text leaves the page only where the person turned it on (the hook is told the same; a text
        // message here otherwise was sent before a change reached the hook, or was forged).
        if (!privacy?.record || !privacy.storeText) return 'dropped';
        const { type: _type, ...turn } = msg;
        void sendText({ type: 'text', site: deps.site, ...turn }).catch(() => {}); // best effort
        return 'sent';
      }
      case 'count': {
        // A public app's turn text, re-counted by the real tokenizer in the background and dropped there
        // (never stored, so not subject to the text setting); nothing leaves a window that is not recorded.
        if (!privacy?.record) return 'dropped';
        const { type: _t, ...turn } = msg;
        void sendText({ type: 'count', site: deps.site, ...turn }).catch(() => {}); // best effort
        return 'sent';
      }
      case 'unrecognised':
        if (privacy && !privacy.record) return 'dropped';
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

  /** Applies the site's settings as they load or change: tells the hook, then lets waiting facts through. */
  function setPrivacy(next: RelayPrivacy): void {
    privacy = next;
    try {
      deps.configureHook?.({ type: 'config', text: next.record && next.storeText });
    } catch {
      // the hook keeps text off
    }
    for (const msg of waiting.splice(0)) store(msg, next);
  }

  if (privacy) deps.configureHook?.({ type: 'config', text: privacy.record && privacy.storeText });

  return { receive, setPrivacy };
}
