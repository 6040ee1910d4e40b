/**
 * The background's one message listener. It checks who is speaking before it reads what was said:
 * content scripts may only deliver facts for the page they run in, and only extension pages may send
 * privileged requests (reliability tests 24, 25).
 */
import { browser, type Browser } from '#imports';
import { ContentMessage, type Ack } from '@/utils/messages';
import { UiMessage } from '@/utils/ui-messages';
import { getDb } from '@/utils/db';
import { ingestFacts, recordHealth } from './ingest';
import { isTrackedOrigin } from './tracked';
import { refreshBadge } from './badge';
import { drainOutbox } from './outbox-drain';
import { handleSiteMessage } from './sites';
import { handleTaskMessage, isTaskMessage } from './task-messages';
import { recordCopy } from './tasks';
import { noteTabConversations } from './tab-signals';
import { applyPrivacy, currentSettings, refusalFor } from './privacy-gate';
import { storeTurnText } from './text-store';
import { withWriteErrors } from './write-errors';
import { applyPendingCounts, tokenizeTurn } from './tokenize';
import { builtinAdapterOf } from '@/utils/builtin-sites';
import { isBuiltinDisabled } from '@/utils/builtin-settings';

type Sender = Browser.runtime.MessageSender;

/** The origin of the page a content script runs in, or undefined when the sender is not one of ours. */
export function contentScriptOrigin(sender: Sender): string | undefined {
  if (sender.id !== browser.runtime.id || !sender.tab || !sender.url) return undefined;
  try {
    const u = new URL(sender.url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.origin : undefined;
  } catch {
    return undefined;
  }
}

export function isExtensionPage(sender: Sender): boolean {
  return sender.id === browser.runtime.id && !!sender.url && sender.url.startsWith(browser.runtime.getURL('/'));
}

const invalid = (error: string): Ack & { final: true } => ({ ok: false, error, final: true });

export async function handleMessage(msg: unknown, sender: Sender): Promise<Ack & { final?: boolean }> {
  const origin = contentScriptOrigin(sender);
  if (origin) return handleContentMessage(msg, origin, sender.tab);
  if (isExtensionPage(sender)) return handleUiMessage(msg);
  return invalid('unknown sender');
}

async function handleContentMessage(
  raw: unknown,
  origin: string,
  tab: Sender['tab'],
): Promise<Ack & { final?: boolean }> {
  const tabId = tab?.id;
  const parsed = ContentMessage.safeParse(raw);
  const db = getDb();
  if (!parsed.success) {
    if (await isTrackedOrigin(origin)) await recordHealth(db, origin, { unrecognised: 0, rejected: 1 });
    return invalid('malformed message');
  }
  const msg = parsed.data;
  if (!(await isTrackedOrigin(origin))) return invalid('site not tracked');
  // A built-in public app the person switched off: acknowledged (the relay lets go), nothing recorded.
  const adapter = builtinAdapterOf(origin);
  if (adapter && msg.type !== 'health' && (await isBuiltinDisabled(adapter.id))) return { ok: true, stored: 0 };
  switch (msg.type) {
    case 'deliver': {
      // A content script speaks only for its own page: a fact claiming another site is forged.
      if (msg.facts.some((f) => f.site !== origin)) {
        await recordHealth(db, origin, { unrecognised: 0, rejected: msg.facts.length });
        return invalid('site mismatch');
      }
      // Not recorded, by the person's choice: acknowledged (so the relay lets go of it), never stored.
      if (await refusalFor(tab)) return { ok: true, stored: 0 };
      // A failed write (a full disk) is said where the pages show it; the relay keeps the facts and retries.
      const allowed = applyPrivacy(msg.facts, await currentSettings());
      const result = await withWriteErrors(() => ingestFacts(db, allowed));
      // Real-tokenizer counts that arrived before their facts (tokenize.ts).
      if (adapter?.provenance === 'tokenized') await applyPendingCounts(db, allowed).catch(() => 0);
      void refreshBadge().catch(() => {});
      if (tabId !== undefined && tabId >= 0) {
        const ids = msg.facts.flatMap((f) => (f.conv && !f.fact.runId ? [`${f.site}|p:${f.conv}`] : []));
        void noteTabConversations(tabId, ids).catch(() => {});
      }
      return { ok: true, stored: result.added + result.updated };
    }
    case 'health':
      if (msg.site !== origin) return invalid('site mismatch');
      await recordHealth(db, origin, msg);
      return { ok: true };
    case 'copied':
      if (msg.site !== origin) return invalid('site mismatch');
      return { ok: true, stored: (await recordCopy(db, origin, msg.conv)) ? 1 : 0 };
    case 'text':
      // Opt-in text: the site's own, never from a refused (private) window, and stored only if the
      // person's setting says so now (text-store.ts checks it again; the content script's word is not enough).
      if (msg.site !== origin) {
        await recordHealth(db, origin, { unrecognised: 0, rejected: 1 });
        return invalid('site mismatch');
      }
      if (await refusalFor(tab)) return { ok: true, stored: 0 };
      return { ok: true, stored: (await storeTurnText(db, msg)) ? 1 : 0 };
    case 'count': {
      // Only a site whose adapter asks for the real tokenizer, only for its own turns, never from a refused
      // window; the text is counted and dropped here, never stored.
      if (msg.site !== origin || adapter?.provenance !== 'tokenized' || !msg.key.startsWith(`${adapter.id}-web:`)) {
        await recordHealth(db, origin, { unrecognised: 0, rejected: 1 });
        return invalid('not countable');
      }
      if (await refusalFor(tab)) return { ok: true, stored: 0 };
      return { ok: true, stored: (await tokenizeTurn(db, msg)) ? 1 : 0 };
    }
    default: {
      const never: never = msg;
      return never;
    }
  }
}

async function handleUiMessage(raw: unknown): Promise<Ack & { final?: boolean }> {
  const parsed = UiMessage.safeParse(raw);
  if (!parsed.success) return invalid('malformed message');
  const msg = parsed.data;
  switch (msg.type) {
    case 'refresh-badge':
      await refreshBadge();
      return { ok: true };
    case 'drain-outbox':
      return { ok: true, stored: await drainOutbox() };
    case 'add-site':
    case 'update-site':
    case 'remove-site':
      return handleSiteMessage(msg);
    default: {
      if (isTaskMessage(msg)) return handleTaskMessage(msg);
      const never: never = msg;
      return never;
    }
  }
}

/** Registers the listener synchronously (MV3: listeners must exist before the first await). */
export function setupRouter(): void {
  browser.runtime.onMessage.addListener((msg, sender, sendResponse) => {
    handleMessage(msg, sender).then(sendResponse, (e: unknown) =>
      sendResponse({ ok: false, error: e instanceof Error ? e.message : String(e) }),
    );
    return true; // keeps the channel open for the asynchronous reply
  });
}
