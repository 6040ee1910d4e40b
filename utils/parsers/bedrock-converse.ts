/**
 * Amazon Bedrock Converse. Body: `{output: {message: {role, content: [{text} | {toolUse: {toolUseId, name, input}} |
 * {reasoningContent}]}}, stopReason, usage: {inputTokens, outputTokens, totalTokens, cacheReadInputTokens?,
 * cacheWriteInputTokens?}, metrics: {latencyMs}}`. ConverseStream arrives in the browser re-streamed by the app's
 * backend as JSON objects (SSE data or NDJSON lines), each with one key: `messageStart {role}`, `contentBlockStart
 * {start: {toolUse: {toolUseId, name}}}`, `contentBlockDelta {delta: {text} | {toolUse: {input}} | {reasoningContent:
 * {text}}}`, `contentBlockStop`, `messageStop {stopReason}` (the end marker), then `metadata {usage, metrics}`; the
 * inner object alone with the key as SSE event name is read too. Errors: `…Exception` keys. Input = inputTokens plus
 * the cache counts, which Bedrock reports apart. No id in the traffic (it is a response header): the caller keys it.
 */
import {
  addText,
  addTool,
  arr,
  endTurn,
  isObj,
  newTurn,
  setTokens,
  toolName,
  type Obj,
  type TurnState,
  type WireFormat,
} from '@/utils/parsers/common';

const EVENTS = ['messageStart', 'contentBlockStart', 'contentBlockDelta', 'messageStop'];

/** The event's payload: `{key: payload}`, or the payload itself sent as SSE `event: key`. */
const ev = (j: Obj, type: string, key: string): unknown => (isObj(j[key]) ? j[key] : type === key ? j : undefined);

function block(t: TurnState, c: unknown): void {
  if (!isObj(c)) return;
  addText(t, c.text);
  const r = c.reasoningContent; // stream delta {text}, body {reasoningText: {text}}
  if (isObj(r)) addText(t, isObj(r.reasoningText) ? r.reasoningText.text : r.text);
  if (isObj(c.toolUse)) {
    const i = c.toolUse.input;
    addText(t, typeof i === 'string' ? i : JSON.stringify(i));
  }
}

export const bedrockConverse: WireFormat = {
  id: 'bedrock-converse',
  sniff: (j, type) => EVENTS.some((k) => ev(j, type, k)),
  replyId: () => undefined,
  event(t, j, type) {
    if (!isObj(j)) return;
    const start = ev(j, type, 'contentBlockStart');
    if (isObj(start)) addTool(t, toolName(start.start));
    const delta = ev(j, type, 'contentBlockDelta');
    if (isObj(delta)) block(t, delta.delta);
    if (ev(j, type, 'messageStop')) t.done = true;
    const m = ev(j, type, 'metadata');
    if (isObj(m)) setTokens(t, m.usage);
    for (const k in j) if (k.endsWith('Exception')) t.error = true;
  },
  body(j) {
    const m = isObj(j.output) && j.output.message;
    if (!isObj(m) || !j.stopReason) return null;
    const t = newTurn('bedrock-converse');
    for (const c of arr(m.content)) {
      block(t, c);
      addTool(t, toolName(c));
    }
    setTokens(t, j.usage);
    t.done = true;
    return endTurn(t, false);
  },
};
