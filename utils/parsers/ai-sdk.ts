/**
 * Vercel AI SDK streams (one turn per body; the id is the message id).
 * - v4 data stream (`x-vercel-ai-data-stream: v1`, text/plain): lines `CODE:JSON` (sse.ts dispatches them as events of
 *   type `CODE:`): `f:{messageId}` step start, `0:"text"`, `g:"reasoning"`, `9:{toolCallId, toolName, args}` tool call
 *   (`b:` its streaming start), `a:` tool result, `e:{finishReason, usage: {promptTokens, completionTokens}}` step end,
 *   `d:{finishReason, usage}` message end (its usage is the TOTAL over steps: preferred; else the steps are summed, and
 *   a step without usage voids the sum), `3:"error"`.
 * - v5+ UI message stream (`x-vercel-ai-ui-message-stream: v1`, SSE): parts `{type: 'start', messageId}`,
 *   `start-step`, `text-start` / `text-delta {id, delta}` / `text-end`, `reasoning-delta`, `tool-input-start
 *   {toolCallId, toolName}`, `tool-input-available {toolName, input}`, `finish-step`, `finish {messageMetadata?}`,
 *   then `[DONE]`. Usage only when the app puts it in message metadata (`usage` / `totalUsage` / the counts themselves).
 * - The plain text stream has no framing and is not recognisable by content: not claimed.
 */
import {
  addText,
  addTool,
  isObj,
  meta,
  num,
  setTokens,
  setUsage,
  type TurnState,
  type WireFormat,
} from '@/utils/parsers/common';

const CODE = /^[0-9a-z]:$/;
const UI = /^(start-step|(text|reasoning)-(start|delta)|tool-input-(start|available)|finish-step)$/;

/** Usage and model an app put in message metadata. */
function metadata(t: TurnState, m: unknown): void {
  if (!isObj(m)) return;
  setTokens(t, isObj(m.usage) ? m.usage : isObj(m.totalUsage) ? m.totalUsage : m);
  meta(t, undefined, m.model);
}

export const aiSdk: WireFormat = {
  id: 'ai-sdk',
  sniff: (j, type) =>
    CODE.test(type) ||
    (typeof j.type === 'string' && (UI.test(j.type) || (j.type === 'start' && typeof j.messageId === 'string'))),
  replyId: () => undefined,
  event(t, j, type, data) {
    const o = isObj(j) ? j : {};
    switch (CODE.test(type) ? type : o.type) {
      case '0:':
      case 'g:':
        addText(t, j);
        break;
      case '3:':
      case 'error':
        t.error = true;
        break;
      case 'f:':
      case 'start':
        meta(t, o.messageId, undefined);
        metadata(t, o.messageMetadata);
        break;
      case '9:':
      case 'tool-input-available':
        addText(t, JSON.stringify(o.args ?? o.input));
        addTool(t, o.toolName, o.toolCallId);
        break;
      case 'b:':
      case 'tool-input-start':
        addTool(t, o.toolName, o.toolCallId);
        break;
      case 'text-delta':
      case 'reasoning-delta':
        addText(t, o.delta);
        break;
      case 'e:': {
        // a step's usage: summed, unless the message total (d:) already came
        const u = isObj(o.usage) ? o.usage : {};
        const s = (t.input ??= [0, 0]);
        s[0] = s[0]! + (num(u.promptTokens) ?? NaN);
        s[1] = s[1]! + (num(u.completionTokens) ?? NaN);
        t.usage = undefined;
        setUsage(t, s[0], s[1]);
        break;
      }
      case 'd:':
        t.done = true;
        setTokens(t, o.usage);
        break;
      case 'finish':
        t.done = true;
        metadata(t, o.messageMetadata);
        break;
      case 'message-metadata':
        metadata(t, o.messageMetadata);
    }
    if (data.length < 16 && data.trim() === '[DONE]') t.done = true;
  },
  body: () => null,
};
