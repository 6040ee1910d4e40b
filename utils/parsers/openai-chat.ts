/**
 * OpenAI Chat Completions (and the many servers that copy it: Azure, vLLM, LiteLLM, OpenRouter, Ollama's /v1...).
 * Stream: `data: {object:"chat.completion.chunk", id, model, choices:[{index, delta:{content}, finish_reason}],
 * usage:null}` ... then, with stream_options.include_usage, one chunk with `choices: []` and `usage {prompt_tokens,
 * completion_tokens}`, then `data: [DONE]`. Body: `{object:"chat.completion", choices:[{message:{content}}], usage}`.
 * n>1 choices are one turn (their text is summed); the end marker is `[DONE]` or any `finish_reason`.
 * Compatible servers add fields (vLLM `stop_reason`, `prompt_logprobs`, `prompt_tokens_details: null`; LiteLLM usage on
 * the last content chunk; Open WebUI `{sources}` / `{selected_model_id}` frames first, usage with extra keys such as
 * `response_token/s` or, in older versions, only Ollama's `prompt_eval_count` / `eval_count`, and a fresh
 * `<model>-<uuid>` id on every chunk): all read as one turn. Tool calls: `tool_calls[{index, id, function: {name}}]`,
 * the name streamed once per call (some servers repeat it), so each (choice, index, id) is counted once.
 */
import {
  addText,
  arr,
  countTool,
  endTurn,
  isObj,
  meta,
  newTurn,
  setTokens,
  str,
  type Obj,
  type TurnState,
  type WireFormat,
} from '@/utils/parsers/common';

/** Text of a delta or message: content (string or parts), refusal, reasoning, tool-call arguments; tool names. */
function take(t: TurnState, m: unknown, choice: unknown): void {
  if (!isObj(m)) return;
  const c = m.content;
  if (typeof c === 'string') addText(t, c);
  else for (const p of arr(c)) if (isObj(p)) addText(t, p.text);
  addText(t, m.refusal);
  addText(t, m.reasoning_content);
  for (const call of arr(m.tool_calls)) {
    if (!isObj(call) || !isObj(call.function)) continue;
    const f = call.function;
    addText(t, f.arguments);
    const s = (t.seen ??= new Set());
    const k = `${choice}:${call.index}`;
    const k2 = `${k}:${call.id}`;
    if (str(f.name) && (!s.has(k) || (call.id && !s.has(k2)))) {
      s.add(k).add(k2);
      t.tools = countTool(t.tools, f.name);
    }
  }
}

const hasChoice = (j: Obj, key: string): boolean => arr(j.choices).some((c) => isObj(c) && isObj(c[key]));

export const openaiChat: WireFormat = {
  id: 'openai-chat',
  sniff: (j) =>
    j.object === 'chat.completion.chunk' ||
    (Array.isArray(j.choices) && (hasChoice(j, 'delta') || 'prompt_filter_results' in j)),
  // Open WebUI's `<model>-<uuid>` ids change on every chunk: they cannot tell replies apart
  replyId: (j) => (typeof j.model === 'string' && str(j.id)?.startsWith(`${j.model}-`) ? undefined : j.id),
  event(t, j, _type, data) {
    if (data.length < 16 && data.trim() === '[DONE]') t.done = true;
    if (!isObj(j)) return;
    if (isObj(j.error)) t.error = true;
    meta(t, j.id, j.model);
    for (const c of arr(j.choices)) {
      if (!isObj(c)) continue;
      take(t, c.delta, c.index);
      if (typeof c.finish_reason === 'string') t.done = true;
    }
    setTokens(t, j.usage);
  },
  body(j) {
    if (j.object !== 'chat.completion' && !(hasChoice(j, 'message') && isObj(j.usage))) return null;
    const t = newTurn('openai-chat');
    meta(t, j.id, j.model);
    for (const c of arr(j.choices)) if (isObj(c)) take(t, c.message, c.index);
    setTokens(t, j.usage);
    t.done = true;
    return endTurn(t, false);
  },
};
