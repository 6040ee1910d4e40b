/**
 * Last resort for JSON that no format claims (whole bodies, and SSE / NDJSON events): agent run records, job status,
 * list responses. Every object with an `id` (string or number) and a `usage` object with token counts in a known
 * spelling is one record: `snapshot` (polling shows it again: same id, updated in place), `runId` = its id, `runStatus`
 * from `status` / `state`, `runName` from `name` / `title`, `model`, and the tool calls found anywhere inside it (names
 * only). Only the outermost record counts: objects nested in a record (a run's steps, with their own ids and usage) are
 * parts of it, never records of their own. Objects with a string `role` are chat transcript messages (history
 * loads), not runs: skipped, their reply was counted when it streamed. Bounded walk: breadth first, depth ≤ 8, ≤ 5,000
 * objects and arrays. Usage without an id is never reported (unkeyed, it could only double count).
 */
import { countTool, isObj, str, tokens, toolName, type WireFormat } from '@/utils/parsers/common';
import type { ParsedTurn, RunStatus } from '@/utils/parsers/types';

const MAX_NODES = 5000;
const MAX_DEPTH = 8;

const STATUS: [RunStatus, string][] = [
  ['running', 'queued in_progress running pending requires_action'],
  ['completed', 'completed succeeded success done finished'],
  ['failed', 'failed error expired'],
  ['cancelled', 'cancelled canceled cancelling aborted stopped'],
];

const runStatus = (s: unknown): RunStatus | undefined => {
  const v = str(s)?.toLowerCase();
  return v ? STATUS.find(([, words]) => words.split(' ').includes(v))?.[0] : undefined;
};

/** The records in one JSON value, in breadth-first (for lists: document) order. */
export function findRecords(root: unknown): ParsedTurn[] {
  const out: ParsedTurn[] = [];
  const queue: [unknown, number, ParsedTurn | undefined][] = [[root, 0, undefined]];
  for (let h = 0; h < queue.length; h++) {
    const [v, depth, parent] = queue[h]!;
    let owner = parent;
    if (isObj(v)) {
      const id = typeof v.id === 'number' && isFinite(v.id) ? String(v.id) : str(v.id);
      // Inside a record, nested id+usage objects (a run's steps) are parts of it: a run's usage already
      // covers its steps, so reporting them too would count the same tokens twice.
      const u = id && !parent && typeof v.role !== 'string' ? tokens(v.usage) : undefined;
      if (id && u) {
        const usage = { inputTokens: u[0], outputTokens: u[1] };
        owner = { format: 'usage-json', id, runId: id, usage, text: '', aborted: false, snapshot: true };
        const model = str(v.model);
        if (model) owner.model = model;
        const status = runStatus(v.status) ?? runStatus(v.state);
        if (status) owner.runStatus = status;
        const name = str(v.name) ?? str(v.title);
        if (name) owner.runName = name.slice(0, 200);
        out.push(owner);
      }
      const tool = owner && toolName(v);
      if (tool) owner!.toolCalls = countTool(owner!.toolCalls, tool);
    }
    if (depth >= MAX_DEPTH || typeof v !== 'object' || !v) continue;
    for (const c of Object.values(v)) {
      if (queue.length >= MAX_NODES) break;
      if (typeof c === 'object' && c) queue.push([c, depth + 1, owner]);
    }
  }
  return out;
}

export const usageJson: WireFormat = {
  id: 'usage-json',
  sniff: () => false,
  replyId: () => undefined,
  event: () => undefined,
  body(j) {
    const r = findRecords(j);
    return r.length ? r : null;
  },
};
