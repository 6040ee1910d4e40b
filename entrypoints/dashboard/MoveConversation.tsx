import { useId, useState, type FormEvent } from 'react';
import type { Conversation, Task } from '@/utils/records';
import { autoTaskId } from '@/utils/task-rollups';
import { titleOf } from './task-rows';

const OWN = '\u0000own';

/**
 * Moves a conversation that belongs elsewhere: to another recent task, or out into a task of its own.
 * A select plus a button rather than acting on change: some browsers fire change on arrow keys, and a move
 * should never happen while someone is only looking through the list.
 */
export function MoveConversation({
  conversation,
  task,
  targets,
  onMove,
}: {
  conversation: Conversation;
  task: Task;
  targets: readonly Task[];
  onMove: (conversationId: string, to?: string) => Promise<boolean>;
}) {
  const [to, setTo] = useState('');
  const selectId = useId();
  const alone = task.id === autoTaskId(conversation.id) && task.conversations <= 1;
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!to) return;
    if (await onMove(conversation.id, to === OWN ? undefined : to)) setTo('');
  };
  return (
    <form className="move" onSubmit={(e) => void submit(e)}>
      <label htmlFor={selectId} className="sr-only">
        Move “{conversation.title ?? 'this conversation'}” to
      </label>
      <select id={selectId} value={to} onChange={(e) => setTo(e.target.value)} data-testid="move-select">
        <option value="">Move to…</option>
        {!alone && <option value={OWN}>its own task</option>}
        {targets.map((t) => (
          <option key={t.id} value={t.id}>
            {titleOf(t).title}
          </option>
        ))}
      </select>
      <button type="submit" className="small" disabled={!to} data-testid="move">
        Move
      </button>
    </form>
  );
}
