/**
 * Microsoft Copilot (copilot.microsoft.com). What is publicly known (../shared/docs/ai-sites.md): the chat runs over a
 * WebSocket `wss://copilot.microsoft.com/c/api/chat?api-version=2`. The page sends
 * `{event: "send", conversationId, content: [{type: "text", text}], mode}`; the server answers with events
 * `received`, `startMessage` {messageId}, `appendText` {messageId, partId?, text} (incremental), `replaceText`
 * {messageId, partId?, text} (replaces the text so far: of that part, or of the whole message without a part id),
 * `partCompleted`, `titleUpdate`, `done` (the end marker) and `error`. A socket carries many turns.
 *
 * A turn ends at `done`; `error`, or the socket closing first, ends it aborted. No usage, no model: counts are
 * estimates. Key: the messageId (a replayed `done` for a finished message is ignored; the same message seen on two
 * sockets is the same stored key). Input: the conversation so far plus the prompt of the last `send`.
 * Tests: tests/unit/adapters/copilot.test.ts over tests/fixtures/copilot/.
 */
import { estimateTokens } from '@/utils/parsers/estimate';
import { arr, isObj, parseJson, str, type Obj } from '@/utils/parsers/common';
import type { ConversationContext, SiteAdapter, SocketParser } from './types';
import { addToContext, capText, emptyParser, estimateCapped, inputFields, ReplyText, type SiteTurn } from './shared';

/** The chat socket (the page's other requests, e.g. `POST /c/api/conversations`, are not read). */
const CHAT_SOCKET = /^\/c\/api\/chat(?:[?#]|$)/;

/** Largest frame read (characters): a bigger one is skipped. */
const MAX_FRAME = 16 << 20;
/** Open messages kept per socket (a server that never says `done` must not grow memory). */
const MAX_OPEN = 16;
/** Finished message ids remembered per socket, to ignore replayed `done` frames. */
const MAX_SEEN = 256;

const SERVER_EVENTS = new Set([
  'received',
  'startMessage',
  'appendText',
  'replaceText',
  'partCompleted',
  'titleUpdate',
  'done',
  'error',
  'suggestedFollowups',
  'citation',
  'pong',
]);

interface Prompt {
  conversationId?: string;
  tokens: number;
  text?: string;
}

interface OpenMessage {
  id: string;
  conversationId?: string;
  prompt: Prompt;
  model?: string;
  /** Text per part id ('' for events without one), in order of appearance. */
  parts: Map<string, ReplyText>;
}

function textOf(content: unknown): string {
  return arr(content)
    .map((p) => (isObj(p) && (p.type === undefined || p.type === 'text') && typeof p.text === 'string' ? p.text : ''))
    .filter(Boolean)
    .join('\n');
}

function createCopilotSocketParser(context: ConversationContext): SocketParser {
  let recognised = false;
  let prompt: Prompt = { tokens: 0 };
  const open = new Map<string, OpenMessage>();
  const finished = new Set<string>();
  let current: string | undefined;

  const end = (m: OpenMessage, aborted: boolean): SiteTurn => {
    open.delete(m.id);
    if (current === m.id) current = undefined;
    if (finished.size >= MAX_SEEN) finished.clear();
    finished.add(m.id);
    const kept = [...m.parts.values()].map((p) => p.text).join('');
    const total = [...m.parts.values()].reduce((n, p) => n + p.total, 0);
    const output = estimateCapped(kept, total);
    const turn: SiteTurn = {
      format: 'copilot-web',
      id: m.id,
      text: capText(kept),
      estimatedOutputTokens: output,
      aborted,
      ...inputFields(context, m.conversationId, m.prompt.tokens, m.prompt.text),
    };
    if (m.model) turn.model = m.model;
    if (m.conversationId) turn.conversationId = m.conversationId;
    addToContext(context, m.conversationId, m.prompt.tokens + output);
    return turn;
  };

  /** The open message an event is about: by its messageId, else the one being streamed. */
  const messageOf = (j: Obj, create: boolean): OpenMessage | undefined => {
    const id = str(j.messageId) ?? current;
    if (!id || finished.has(id)) return undefined;
    let m = open.get(id);
    if (!m && create && open.size < MAX_OPEN) {
      m = {
        id,
        conversationId: str(j.conversationId) ?? prompt.conversationId,
        prompt,
        parts: new Map(),
      };
      open.set(id, m);
      prompt = { conversationId: prompt.conversationId, tokens: 0 }; // the prompt belongs to this reply only
    }
    if (m) current = id;
    return m;
  };

  const part = (m: OpenMessage, j: Obj): ReplyText => {
    const key = str(j.partId) ?? '';
    let p = m.parts.get(key);
    if (!p) {
      p = new ReplyText();
      if (m.parts.size < 64) m.parts.set(key, p);
    }
    return p;
  };

  const received = (j: Obj): SiteTurn[] => {
    const ev = str(j.event);
    if (!ev || !SERVER_EVENTS.has(ev)) return [];
    switch (ev) {
      case 'startMessage': {
        if (!str(j.messageId)) return [];
        const m = messageOf(j, true);
        if (m) m.model = str(j.model) ?? m.model;
        return [];
      }
      case 'appendText':
      case 'replaceText': {
        if (typeof j.text !== 'string') return [];
        recognised = true;
        const m = messageOf(j, true);
        if (!m) return [];
        if (ev === 'appendText') part(m, j).append(j.text);
        else if (str(j.partId)) part(m, j).replace(j.text);
        else {
          m.parts.clear();
          part(m, j).replace(j.text);
        }
        return [];
      }
      case 'done': {
        const m = messageOf(j, false);
        return m ? [end(m, false)] : [];
      }
      case 'error': {
        const m = messageOf(j, false);
        return m ? [end(m, true)] : [];
      }
      case 'received':
        if (str(j.conversationId)) prompt.conversationId = str(j.conversationId);
        return [];
      default:
        // partCompleted, titleUpdate, …: known events that change no count
        return [];
    }
  };

  const sent = (j: Obj): void => {
    if (j.event !== 'send') return;
    const text = textOf(j.content);
    prompt = { conversationId: str(j.conversationId), tokens: estimateTokens(text), text };
  };

  return {
    frame(direction: 'sent' | 'received', data: string): SiteTurn[] {
      try {
        if (typeof data !== 'string' || data.length > MAX_FRAME) return [];
        const out: SiteTurn[] = [];
        // one JSON event per frame; tolerate SignalR-style record separators (the older Bing chat socket)
        for (const piece of data.split('\u001e')) {
          const j = parseJson(piece);
          if (!isObj(j)) continue;
          if (direction === 'sent') sent(j);
          else out.push(...received(j));
        }
        return out;
      } catch {
        return [];
      }
    },
    close(): SiteTurn[] {
      try {
        return [...open.values()].map((m) => end(m, true));
      } catch {
        return [];
      }
    },
    get recognised() {
      return recognised;
    },
  };
}

export const copilot: SiteAdapter = {
  id: 'copilot',
  name: 'Microsoft Copilot',
  matches: ['https://copilot.microsoft.com/*'],
  traffic: [CHAT_SOCKET],
  // Copilot's replies come over the socket; an HTTP response on the chat path carries nothing to count.
  createParser: () => emptyParser(),
  createSocketParser: (_url, context) => createCopilotSocketParser(context),
  provenance: 'estimated',
  selectors: {},
};
