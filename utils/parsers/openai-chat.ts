/**
 * OpenAI Chat Completions (and the many servers that copy it: Azure, vLLM, LiteLLM, OpenRouter, Ollama's /v1...).
 * Stream: `data: {object:"chat.completion.chunk", id, model, choices:[{index, delta:{content}, finish_reason}],
 * usage:null}` ... then, with stream_options.include_usage, one chunk with `choices: []` and `usage {prompt_tokens,
 * completion_tokens}`, then `data: [DONE]`. Body: `{object:"chat.completion", choices:[{message:{content}}], usage}`.
 * n>1 choices are one turn (their text is summed); the end marker is `[DONE]` or any `finish_reason`.
 */
import {
  addText,
  arr,
  endTurn,
  isObj,
  meta,
  newTurn,
  setUsage,
  type Obj,
  type TurnState,
  type WireFormat,
} from '@/utils/parsers/common';

function usage(t: TurnState, u: unknown): void {
  if (isObj(u)) setUsage(t, u.prompt_tokens, u.completion_tokens);
}

/** Text of a delta or message: content (string or parts), refusal, reasoning, tool-call arguments. */
function take(t: TurnState, m: unknown): void {
  if (!isObj(m)) return;
  const c = m.content;
  if (typeof c === 'string') addText(t, c);
  else for (const p of arr(c)) if (isObj(p)) addText(t, p.text);
  addText(t, m.refusal);
  addText(t, m.reasoning_content);
  for (const call of arr(m.tool_calls)) if (isObj(call) && isObj(call.function)) addText(t, call.function.arguments);
}

const hasChoice = (j: Obj, key: string): boolean => arr(j.choices).some((c) => isObj(c) && isObj(c[key]));

export const openaiChat: WireFormat = {
  id: 'openai-chat',
  sniff: (j) =>
    j.object === 'chat.completion.chunk' ||
    (Array.isArray(j.choices) && (hasChoice(j, 'delta') || 'prompt_filter_results' in j)),
  replyId: (j) => j.id,
  event(t, j, _type, data) {
    if (data.length < 16 && data.trim() === '[DONE]') t.done = true;
    if (!isObj(j)) return;
    if (isObj(j.error)) t.error = true;
    meta(t, j.id, j.model);
    for (const c of arr(j.choices)) {
      if (!isObj(c)) continue;
      take(t, c.delta);
      if (typeof c.finish_reason === 'string') t.done = true;
    }
    usage(t, j.usage);
  },
  body(j) {
    if (j.object !== 'chat.completion' && !(hasChoice(j, 'message') && isObj(j.usage))) return null;
    const t = newTurn('openai-chat');
    meta(t, j.id, j.model);
    for (const c of arr(j.choices)) if (isObj(c)) take(t, c.message);
    usage(t, j.usage);
    t.done = true;
    return endTurn(t, false);
  },
};
