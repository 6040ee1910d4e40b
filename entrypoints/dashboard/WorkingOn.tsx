import { useId, useState, type FormEvent } from 'react';
import { useLiveQuery } from 'dexie-react-hooks';
import type { TokenwiseDB } from '@/utils/db';
import { loadRunningTask } from './dashboard-data';
import { useBackground } from './use-background';
import { formatDateTime } from './when';

/**
 * "I'm working on: …": the person names what they are doing, and conversations from then on join that task
 * until they end it. Starting another ends the running one (the background does both in one step).
 */
export function WorkingOn({ db }: { db: TokenwiseDB }) {
  const running = useLiveQuery(() => loadRunningTask(db), [db]);
  const [title, setTitle] = useState('');
  const { send, error } = useBackground();
  const inputId = useId();
  const start = async (e: FormEvent) => {
    e.preventDefault();
    const t = title.trim();
    if (t && (await send({ type: 'start-task', title: t }))) setTitle('');
  };
  return (
    <section className="working-on" aria-label="What you are working on" data-testid="working-on">
      {running && (
        <p className="running" data-testid="running-task">
          <span className="pulse" aria-hidden="true" />
          Working on <strong>{running.title}</strong>
          <span className="muted"> · since {formatDateTime(running.createdAt)}</span>
          <button
            type="button"
            className="small"
            onClick={() => void send({ type: 'end-task' })}
            data-testid="end-task"
          >
            End
          </button>
        </p>
      )}
      <form onSubmit={(e) => void start(e)} className="start-form">
        <label htmlFor={inputId}>{running ? 'Switch to:' : "I'm working on:"}</label>
        <input
          id={inputId}
          value={title}
          onChange={(e) => setTitle(e.target.value)}
          maxLength={200}
          placeholder="e.g. quarterly report draft"
          data-testid="start-task-input"
        />
        <button type="submit" className="small primary" disabled={!title.trim()} data-testid="start-task">
          Start
        </button>
      </form>
      {error && (
        <p role="alert" className="bad-text">
          {error}
        </p>
      )}
    </section>
  );
}
