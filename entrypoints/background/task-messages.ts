/** The popup's and dashboard's task requests, dispatched to tasks.ts; the badge follows every change. */
import type { Ack } from '@/utils/messages';
import type { UiMessage } from '@/utils/ui-messages';
import { getDb } from '@/utils/db';
import { refreshBadge } from './badge';
import { endTask, mergeTasks, moveConversation, renameTask, setOutcome, startTask, TaskError } from './tasks';

type TaskMessage = Extract<
  UiMessage,
  { type: 'set-outcome' | 'rename-task' | 'merge-tasks' | 'move-conversation' | 'start-task' | 'end-task' }
>;

const TYPES = new Set<string>([
  'set-outcome',
  'rename-task',
  'merge-tasks',
  'move-conversation',
  'start-task',
  'end-task',
]);

export const isTaskMessage = (m: UiMessage): m is TaskMessage => TYPES.has(m.type);

export async function handleTaskMessage(msg: TaskMessage): Promise<Ack & { final?: boolean; taskId?: string }> {
  const db = getDb();
  try {
    let taskId: string | undefined;
    switch (msg.type) {
      case 'set-outcome':
        await setOutcome(db, msg.taskId, msg.outcome, msg.note);
        break;
      case 'rename-task':
        await renameTask(db, msg.taskId, msg.title);
        break;
      case 'merge-tasks':
        await mergeTasks(db, msg.into, msg.from);
        break;
      case 'move-conversation':
        taskId = await moveConversation(db, msg.conversationId, msg.to);
        break;
      case 'start-task':
        taskId = await startTask(db, msg.title);
        break;
      case 'end-task':
        await endTask(db);
        break;
    }
    void refreshBadge().catch(() => {});
    return { ok: true, ...(taskId ? { taskId } : {}) };
  } catch (e) {
    if (e instanceof TaskError) return { ok: false, error: e.message, final: true };
    throw e;
  }
}
