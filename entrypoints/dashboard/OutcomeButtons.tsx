import type { Outcome, Task } from '@/utils/records';
import { suggestOutcome } from '@/utils/task-metrics';

export const OUTCOMES: readonly { value: Outcome; label: string }[] = [
  { value: 'done', label: 'Done' },
  { value: 'partial', label: 'Partial' },
  { value: 'abandoned', label: 'Abandoned' },
];

/**
 * Marking what became of a task: one click, undone with "clear". What the signals suggest is shown as a
 * hint beside the buttons; the person decides, nothing is marked for them.
 */
export function OutcomeButtons({
  task,
  title,
  onSet,
}: {
  task: Task;
  /** For the group's accessible name: which task these buttons mark. */
  title: string;
  onSet: (outcome: Outcome | null) => void;
}) {
  const hint = task.outcome ? undefined : suggestOutcome(task);
  return (
    <div className="outcome">
      <div role="group" aria-label={`Outcome of “${title}”`} className="outcome-buttons">
        {OUTCOMES.map((o) => (
          <button
            key={o.value}
            type="button"
            className={`small outcome-${o.value}${hint?.outcome === o.value ? ' suggested' : ''}`}
            aria-pressed={task.outcome === o.value}
            data-testid={`outcome-${o.value}`}
            // Marking the same outcome again changes nothing, so a pressed button stays pressed; "clear" unmarks.
            onClick={() => task.outcome !== o.value && onSet(o.value)}
          >
            {o.label}
          </button>
        ))}
        {task.outcome && (
          <button
            type="button"
            className="small link"
            data-testid="outcome-clear"
            aria-label={`Clear the outcome of “${title}”`}
            onClick={() => onSet(null)}
          >
            clear
          </button>
        )}
      </div>
      {hint && (
        <span className="hint" data-testid="outcome-hint">
          suggested: {hint.outcome} — {hint.because}
        </span>
      )}
    </div>
  );
}
