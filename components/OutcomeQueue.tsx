import type { Outcome, Task } from '@/utils/records';
import { suggestOutcome } from '@/utils/task-metrics';
import { formatTokens } from '@/utils/format';
import { siteLabel } from '@/utils/sites';

const OUTCOMES: { value: Outcome; label: string }[] = [
  { value: 'done', label: 'Done' },
  { value: 'partial', label: 'Partial' },
  { value: 'abandoned', label: 'Abandoned' },
];

/** A task's name as the user knows it: its title, else where and when it happened. */
export function taskName(t: Pick<Task, 'title' | 'site' | 'createdAt' | 'kind'>): string {
  if (t.title) return t.title;
  const when = new Date(t.createdAt).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
  const what = t.kind === 'agent' ? 'Agent run' : 'Conversation';
  return t.site ? `${what} on ${siteLabel(t.site)}, ${when}` : `${what}, ${when}`;
}

/**
 * "N tasks need an outcome": the user decides, with one click each. A signal (a copy, an agent's final
 * status) only highlights the suggested choice; nothing is marked for them.
 */
export function OutcomeQueue({
  tasks,
  total,
  onMark,
  onOpen,
  error,
}: {
  tasks: Task[];
  total: number;
  /** Marks a task; the caller shows the mark at once and stores it (see the popup's App). */
  onMark: (id: string, outcome: Outcome) => void;
  onOpen?: (id: string) => void;
  error?: string;
}) {
  if (total === 0 && !error) return null;
  const mark = onMark;
  return (
    <section className="outcomes" aria-labelledby="outcomes-title" data-testid="outcome-queue">
      <h2 id="outcomes-title">
        <span data-testid="need-outcome-count">{total}</span> {total === 1 ? 'task needs' : 'tasks need'} an outcome
      </h2>
      <ul>
        {tasks.map((t) => {
          const hint = suggestOutcome(t);
          const name = taskName(t);
          return (
            <li key={t.id} className="outcome-item" data-testid="outcome-item" data-task-id={t.id}>
              <div className="outcome-what">
                {onOpen ? (
                  <button
                    type="button"
                    className="link task-name"
                    onClick={() => onOpen(t.id)}
                    title="Open in the dashboard"
                  >
                    {name}
                  </button>
                ) : (
                  <span className="task-name">{name}</span>
                )}
                <span className="muted">
                  {' '}
                  · {formatTokens(t.inputTokens + t.outputTokens, t.exactTokens < t.inputTokens + t.outputTokens)}{' '}
                  tokens
                  {hint && <> · {hint.because}</>}
                </span>
              </div>
              <div className="outcome-buttons" role="group" aria-label={`Outcome of ${name}`}>
                {OUTCOMES.map((o) => (
                  <button
                    key={o.value}
                    type="button"
                    className={`small outcome-${o.value}${hint?.outcome === o.value ? ' suggested' : ''}`}
                    data-testid={`mark-${o.value}`}
                    aria-describedby={hint?.outcome === o.value ? `hint-${t.id}` : undefined}
                    onClick={() => mark(t.id, o.value)}
                  >
                    {o.label}
                  </button>
                ))}
                {hint && (
                  <span id={`hint-${t.id}`} className="sr-only">
                    Suggested, because {hint.because}
                  </span>
                )}
              </div>
            </li>
          );
        })}
      </ul>
      {total > tasks.length && <p className="muted more">and {total - tasks.length} more in the dashboard</p>}
      {error && (
        <p className="notice bad" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
