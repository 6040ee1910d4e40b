import { formatTokens } from '@/utils/format';
import type { Conversation, Task } from '@/utils/records';
import { siteLabel } from '@/utils/sites';
import { MoveConversation } from './MoveConversation';
import { formatDateTime } from './when';

/** The conversations (pages or agent runs) that make up a task, each movable to where it belongs. */
export function ConversationList({
  task,
  conversations,
  targets,
  onMove,
}: {
  task: Task;
  conversations: readonly Conversation[];
  targets: readonly Task[];
  onMove: (conversationId: string, to?: string) => Promise<boolean>;
}) {
  if (conversations.length === 0) return <p className="muted">No conversations yet.</p>;
  return (
    <ul className="conversations" data-testid="task-conversations">
      {conversations.map((c) => {
        const tokens = c.inputTokens + c.outputTokens;
        return (
          <li key={c.id} data-conversation-id={c.id}>
            <div className="conv-main">
              <span className="conv-title">
                {c.title ?? (c.kind === 'agent' ? 'Agent run' : 'Untitled conversation')}
              </span>
              <span className="muted">
                {siteLabel(c.site)} · {formatDateTime(c.firstAt)}
                {c.lastAt - c.firstAt >= 60_000 && ` – ${formatDateTime(c.lastAt)}`} · {c.turns}{' '}
                {c.turns === 1 ? 'call' : 'calls'}
              </span>
            </div>
            <span className="num">{formatTokens(tokens, c.exactTokens < tokens)}</span>
            <MoveConversation conversation={c} task={task} targets={targets} onMove={onMove} />
          </li>
        );
      })}
    </ul>
  );
}
