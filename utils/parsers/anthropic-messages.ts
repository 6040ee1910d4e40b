/**
 * Anthropic Messages. Stream: `message_start` {message {id, model, usage {input_tokens, cache_creation_input_tokens,
 * cache_read_input_tokens, output_tokens}}}, `content_block_start`, `content_block_delta` {delta: text_delta.text |
 * thinking_delta.thinking | input_json_delta.partial_json}, `ping`, `message_delta` {usage {output_tokens}} where
 * output_tokens is CUMULATIVE (last wins), end marker `message_stop`; `error` {error {type, message}}.
 * Input = input_tokens + cache_creation_input_tokens + cache_read_input_tokens. Usage is reported only once a
 * `message_delta` gave the output count (message_start's output_tokens is a placeholder).
 * Body: `{type:"message", id, model, content:[...], usage}`; `{type:"error"}` bodies are recognised, no turn.
 * Tool calls: content blocks of type `tool_use` (and `server_tool_use`, `mcp_tool_use`), by `name`.
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
  str,
  toolName,
  type TurnState,
  type WireFormat,
} from '@/utils/parsers/common';

const INPUT = ['input_tokens', 'cache_creation_input_tokens', 'cache_read_input_tokens'];

/** Records the input counts a usage object carries (each one a cumulative snapshot); returns the total so far. */
function input(t: TurnState, u: unknown): number | undefined {
  const p = (t.input ??= []);
  if (isObj(u)) {
    INPUT.forEach((k, i) => {
      const n = num(u[k]);
      if (n !== undefined) p[i] = n;
    });
  }
  return p[0] === undefined ? undefined : p[0] + (p[1] ?? 0) + (p[2] ?? 0);
}

export const anthropicMessages: WireFormat = {
  id: 'anthropic-messages',
  sniff: (j) =>
    typeof j.type === 'string' && (/^(message_|content_block_)/.test(j.type) || (j.type === 'error' && isObj(j.error))),
  replyId: (j) => isObj(j.message) && j.message.id,
  event(t, j, type) {
    if (!isObj(j)) return;
    switch (str(j.type) ?? type) {
      case 'message_start': {
        const m = j.message;
        if (isObj(m)) {
          meta(t, m.id, m.model);
          input(t, m.usage);
        }
        break;
      }
      case 'content_block_start':
        if (isObj(j.content_block)) addText(t, j.content_block.text);
        addTool(t, toolName(j.content_block));
        break;
      case 'content_block_delta': {
        const d = j.delta;
        if (isObj(d)) addText(t, d.text ?? d.thinking ?? d.partial_json);
        break;
      }
      case 'message_delta':
        // newer APIs repeat cumulative input counts here (more with server tools); null fields keep the earlier value
        if (isObj(j.usage)) setUsage(t, input(t, j.usage), j.usage.output_tokens);
        break;
      case 'message_stop':
        t.done = true;
        break;
      case 'error':
        t.error = true;
    }
  },
  body(j) {
    if (j.type === 'error' && isObj(j.error)) return [];
    if (j.type !== 'message') return null;
    const t = newTurn('anthropic-messages');
    meta(t, j.id, j.model);
    for (const b of arr(j.content)) {
      if (!isObj(b)) continue;
      addText(t, b.text ?? b.thinking);
      addTool(t, toolName(b));
      if (b.input !== undefined) addText(t, JSON.stringify(b.input));
    }
    if (isObj(j.usage)) setUsage(t, input(t, j.usage), j.usage.output_tokens);
    t.done = true;
    return endTurn(t, false);
  },
};
