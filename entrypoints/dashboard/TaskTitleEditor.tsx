import { useId, useState, type FormEvent, type KeyboardEvent, type Ref } from 'react';

/** The task's name as a heading, renamed in place: Enter saves, Escape puts it back. */
export function TaskTitleEditor({
  title,
  untitled,
  onRename,
  headingRef,
}: {
  title: string;
  untitled: boolean;
  onRename: (title: string) => Promise<boolean>;
  headingRef?: Ref<HTMLHeadingElement>;
}) {
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState('');
  const inputId = useId();

  const start = () => {
    setDraft(untitled ? '' : title);
    setEditing(true);
  };
  const save = async (e: FormEvent) => {
    e.preventDefault();
    const next = draft.trim();
    if (next && next !== title && !(await onRename(next))) return; // keep the field open to try again
    setEditing(false);
  };
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      setEditing(false);
    }
  };

  if (!editing) {
    return (
      <div className="title-row">
        <h2
          ref={headingRef}
          tabIndex={-1}
          className={untitled ? 'untitled' : undefined}
          data-testid="task-detail-title"
        >
          {title}
        </h2>
        <button type="button" className="small" onClick={start} data-testid="rename">
          Rename
        </button>
      </div>
    );
  }
  return (
    <form className="title-row" onSubmit={(e) => void save(e)}>
      <label htmlFor={inputId} className="sr-only">
        Task name
      </label>
      <input
        id={inputId}
        className="title-input"
        value={draft}
        onChange={(e) => setDraft(e.target.value)}
        onKeyDown={onKeyDown}
        maxLength={200}
        required
        autoFocus
        data-testid="rename-input"
      />
      <button type="submit" className="small primary">
        Save
      </button>
      <button type="button" className="small" onClick={() => setEditing(false)}>
        Cancel
      </button>
    </form>
  );
}
