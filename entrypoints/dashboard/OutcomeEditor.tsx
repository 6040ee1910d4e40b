import { useId, useState, type FormEvent } from 'react';
import type { Outcome, Task } from '@/utils/records';
import { OutcomeButtons } from './OutcomeButtons';

const NOTE_MAX = 200;

/** Outcome buttons, and a short note kept with the outcome ("shipped as PR 412", "gave up: API down"). */
export function OutcomeEditor({
  task,
  title,
  onSet,
}: {
  task: Task;
  title: string;
  onSet: (outcome: Outcome | null, note?: string) => Promise<boolean>;
}) {
  const [draft, setDraft] = useState(task.note ?? '');
  const [saved, setSaved] = useState(task.note ?? '');
  const noteId = useId();
  // The note can change elsewhere (the popup, or "clear" here): follow it unless the person is mid-edit.
  if ((task.note ?? '') !== saved) {
    if (draft === saved) setDraft(task.note ?? '');
    setSaved(task.note ?? '');
  }
  const saveNote = async (e: FormEvent) => {
    e.preventDefault();
    if (task.outcome) await onSet(task.outcome, draft);
  };
  return (
    <div className="outcome-editor">
      <OutcomeButtons task={task} title={title} onSet={(o) => void onSet(o)} />
      <form className="note-form" onSubmit={(e) => void saveNote(e)}>
        <label htmlFor={noteId}>Note</label>
        <textarea
          id={noteId}
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
          maxLength={NOTE_MAX}
          rows={2}
          disabled={!task.outcome}
          aria-describedby={`${noteId}-help`}
          placeholder={task.outcome ? 'What came of it, in a few words' : ''}
          data-testid="note-input"
        />
        <div className="note-foot">
          <span id={`${noteId}-help`} className="muted">
            {task.outcome
              ? `${draft.length}/${NOTE_MAX} · kept with the outcome, on this device only`
              : 'Mark an outcome first; the note is kept with it.'}
          </span>
          <button
            type="submit"
            className="small"
            disabled={!task.outcome || draft.trim() === (task.note ?? '')}
            data-testid="save-note"
          >
            Save note
          </button>
        </div>
      </form>
    </div>
  );
}
