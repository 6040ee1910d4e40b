/**
 * OpenAI Responses API. Stream: `response.created` / `response.in_progress` (response {id, model, usage:null}),
 * `response.output_text.delta` {delta} (also refusal, function-call arguments, reasoning summary deltas), then the
 * end marker `response.completed` — or `response.incomplete` (max tokens, content filter: a normal end that still
 * carries usage) — with response.usage {input_tokens, output_tokens}. `response.failed` and `error` events give no
 * turn unless usage was reported (then the turn is marked aborted). Body: the `{object:"response"}` object itself.
 * Tool calls: output items of type `function_call` (also `custom_tool_call`, `mcp_call`) by `name`, counted from
 * `response.output_item.added` in a stream (the item comes again in `.done` and in `response.completed`).
 */
import {
  addText,
  addTool,
  arr,
  endTurn,
  isObj,
  meta,
  newTurn,
  setUsage,
  str,
  toolName,
  type Obj,
  type TurnState,
  type WireFormat,
} from '@/utils/parsers/common';

const DELTA = /^response\.(output_text|refusal|function_call_arguments|reasoning_summary_text|reasoning_text)\.delta$/;

/** id, model, usage and terminal status of a response object. */
function response(t: TurnState, r: Obj): void {
  meta(t, r.id, r.model);
  if (isObj(r.usage)) setUsage(t, r.usage.input_tokens, r.usage.output_tokens);
  if (r.status === 'completed' || r.status === 'incomplete') t.done = true;
  if (r.status === 'failed') t.error = true;
}

export const openaiResponses: WireFormat = {
  id: 'openai-responses',
  sniff: (j) => typeof j.type === 'string' && j.type.startsWith('response.'),
  replyId: (j) => isObj(j.response) && j.response.id,
  event(t, j, type) {
    if (!isObj(j)) return;
    const ty = str(j.type) ?? type;
    if (isObj(j.response)) response(t, j.response);
    if (ty === 'error' || ty === 'response.failed') t.error = true;
    else if (DELTA.test(ty)) addText(t, j.delta);
    else if (ty === 'response.output_item.added') addTool(t, toolName(j.item));
  },
  body(j) {
    if (j.object !== 'response') return null;
    if (j.status === 'queued' || j.status === 'in_progress') return []; // a poll of a background response: not yet
    const t = newTurn('openai-responses');
    response(t, j);
    for (const item of arr(j.output)) {
      if (!isObj(item)) continue;
      for (const c of arr(item.content)) if (isObj(c)) addText(t, c.text ?? c.refusal);
      for (const s of arr(item.summary)) if (isObj(s)) addText(t, s.text);
      addText(t, item.arguments);
      addTool(t, toolName(item));
    }
    return endTurn(t, false);
  },
};
