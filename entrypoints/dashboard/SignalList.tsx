import type { Conversation, Task } from '@/utils/records';
import { growingContexts, IDLE_MS } from '@/utils/task-metrics';
import { formatTokens } from '@/utils/format';
import { formatDateTime } from './when';

const RUN_STATUS = { running: 'running', completed: 'completed', failed: 'failed', cancelled: 'cancelled' } as const;

/** The hints behind an outcome suggestion, in plain words: what the person did, and what the tool said. */
export function SignalList({
  task,
  now,
  conversations = [],
}: {
  task: Task;
  now: number;
  conversations?: readonly Conversation[];
}) {
  const s = task.signals;
  const idle = now - task.lastAt >= IDLE_MS && (task.kind !== 'manual' || task.endedAt === undefined);
  const items: [string, string][] = [];
  if (s.copied) items.push(['Copied', s.copied === 1 ? 'once' : `${s.copied} times`]);
  if (s.runStatus) items.push(['Agent status', RUN_STATUS[s.runStatus]]);
  if (s.closedAt !== undefined) items.push(['Tab closed', formatDateTime(s.closedAt)]);
  if (task.kind === 'manual') {
    items.push(['Started', formatDateTime(task.createdAt)]);
    items.push(['Ended', task.endedAt === undefined ? 'still running' : formatDateTime(task.endedAt)]);
  }
  for (const g of growingContexts(conversations)) {
    items.push([
      'Growing context',
      `each of ${g.turns} turns re-sent the conversation so far, up to ${formatTokens(g.maxInputTokens)} tokens a call; a new conversation with a short summary would cost less`,
    ]);
  }
  if (idle) items.push(['Idle since', formatDateTime(task.lastAt)]);
  else items.push(['Last active', formatDateTime(task.lastAt)]);
  return (
    <dl className="signals" data-testid="task-signals">
      {items.map(([k, v], i) => (
        <div key={`${i}-${k}`}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}
