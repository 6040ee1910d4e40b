/**
 * Ollama `/api/chat` and `/api/generate`, NDJSON (`application/x-ndjson`): lines `{model, created_at, message: {role,
 * content, thinking?, tool_calls?: [{function: {name, arguments}}]}, done: false}` (generate: `response` and `thinking`
 * at the top level), then the end marker `{done: true, done_reason, prompt_eval_count, eval_count, total_duration…}`.
 * A non-streamed body is that final object alone. `prompt_eval_count` is omitted when it is zero (prompt fully
 * cached), so the final line counts with input 0. `{error}` lines are errors. No id in the traffic: the caller keys it.
 */
import {
  addText,
  addTool,
  arr,
  endTurn,
  isObj,
  meta,
  newTurn,
  num,
  setUsage,
  toolName,
  type Obj,
  type TurnState,
  type WireFormat,
} from '@/utils/parsers/common';

/** `done` + `created_at` alone would also be a to-do item: a model and a message (or generate's response) too. */
const isOllama = (j: Obj): boolean =>
  typeof j.done === 'boolean' &&
  typeof j.created_at === 'string' &&
  typeof j.model === 'string' &&
  (isObj(j.message) || typeof j.response === 'string');

function line(t: TurnState, j: unknown): void {
  if (!isObj(j)) return;
  if (j.error !== undefined) t.error = true;
  meta(t, undefined, j.model);
  const m = isObj(j.message) ? j.message : j;
  addText(t, m.thinking);
  addText(t, m.content ?? j.response);
  for (const c of arr(m.tool_calls)) addTool(t, toolName(c));
  if (j.done === true) {
    t.done = true;
    setUsage(t, num(j.prompt_eval_count) ?? 0, j.eval_count);
  }
}

export const ollama: WireFormat = {
  id: 'ollama',
  sniff: isOllama,
  replyId: () => undefined,
  event: line,
  body(j) {
    if (!isOllama(j)) return null;
    const t = newTurn('ollama');
    line(t, j);
    return endTurn(t, false);
  },
};
