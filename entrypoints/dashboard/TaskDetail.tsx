import { lazy, Suspense, useCallback, useEffect, useMemo, useRef } from 'react';
import { useLiveQuery } from 'dexie-react-hooks';
import type { TokenwiseDB } from '@/utils/db';
import { formatTokens, formatUsd } from '@/utils/format';
import type { Outcome } from '@/utils/records';
import { siteLabel } from '@/utils/sites';
import { ConversationList } from './ConversationList';
import { loadTaskDetail } from './dashboard-data';
import { OutcomeEditor } from './OutcomeEditor';
import { SignalList } from './SignalList';
import { KIND_SHORT } from './TaskRow';
import { titleOf } from './task-rows';
import { TaskTitleEditor } from './TaskTitleEditor';
import { TokensHeadline } from './TokensHeadline';
import { TurnList } from './TurnList';
import { cumulativeTokens } from './turn-series';
import { useBackground } from './use-background';
import type { ThemePalette } from '@/components/use-theme-palette';

const TaskTokensChart = lazy(() => import('./TaskTokensChart').then((m) => ({ default: m.TaskTokensChart })));

/**
 * One task in full: rename it, mark it, and see what it was made of — its conversations (each movable),
 * every model call with hidden calls and retries labelled, its tokens over time, and the signals behind
 * any suggested outcome.
 */
export function TaskDetail({
  db,
  taskId,
  palette,
  onClose,
  onReady,
}: {
  db: TokenwiseDB;
  taskId: string;
  palette: ThemePalette;
  onClose: () => void;
  onReady: () => void;
}) {
  const data = useLiveQuery(() => loadTaskDetail(db, taskId), [db, taskId]);
  const { send, error } = useBackground();
  const heading = useRef<HTMLHeadingElement>(null);
  const series = useMemo(() => (data ? cumulativeTokens(data.turns) : undefined), [data]);
  const loaded = data !== undefined;
  useEffect(() => {
    if (!loaded) return;
    onReady();
    heading.current?.focus(); // a keyboard or screen-reader user lands on what just opened
  }, [loaded, taskId, onReady]);

  const rename = useCallback((title: string) => send({ type: 'rename-task', taskId, title }), [send, taskId]);
  const setOutcome = useCallback(
    (outcome: Outcome | null, note?: string) =>
      send({ type: 'set-outcome', taskId, outcome, ...(note !== undefined ? { note } : {}) }),
    [send, taskId],
  );
  const move = useCallback(
    (conversationId: string, to?: string) => send({ type: 'move-conversation', conversationId, ...(to ? { to } : {}) }),
    [send],
  );

  const back = (
    <button type="button" className="link back" onClick={onClose} data-testid="task-detail-close">
      ← All tasks
    </button>
  );
  if (!data) return <section className="card task-detail" data-testid="task-detail" aria-busy="true" />;
  const { task } = data;
  if (!task) {
    return (
      <section className="card task-detail" data-testid="task-detail" aria-labelledby="detail-missing">
        {back}
        <h2 id="detail-missing" ref={heading} tabIndex={-1}>
          This task is no longer here
        </h2>
        <p className="muted">It may have been merged into another task. Its tokens are still counted there.</p>
      </section>
    );
  }
  const { title, untitled } = titleOf(task);
  const tokens = task.inputTokens + task.outputTokens;
  return (
    <section className="card task-detail" data-testid="task-detail" data-task-id={task.id} aria-label={title}>
      {back}
      <TaskTitleEditor title={title} untitled={untitled} onRename={rename} headingRef={heading} />
      <p className="muted detail-meta">
        {task.site ? siteLabel(task.site) : 'Several sites'} · {KIND_SHORT[task.kind]} · {task.conversations}{' '}
        {task.conversations === 1 ? 'conversation' : 'conversations'}
      </p>
      {error && (
        <p role="alert" className="bad-text">
          {error}
        </p>
      )}

      <div className="detail-figures">
        <div className="headline">
          <h3>Tokens</h3>
          <TokensHeadline exact={task.exactTokens} estimated={tokens - task.exactTokens} />
        </div>
        <div className="headline">
          <h3>API-equivalent cost</h3>
          <span className="figure figure-large">
            {task.unpricedTokens >= tokens && tokens > 0 ? '—' : formatUsd(task.costUsd)}
          </span>
          {task.unpricedTokens > 0 && (
            <span className="sub">no price for {formatTokens(task.unpricedTokens)} tokens</span>
          )}
        </div>
        <div className="headline">
          <h3>Hidden calls</h3>
          <span className="figure figure-large">{formatTokens(task.backgroundTokens)}</span>
          <span className="sub muted">
            tokens in {task.backgroundTurns} {task.backgroundTurns === 1 ? 'call' : 'calls'} you did not send
          </span>
        </div>
        <div className="headline">
          <h3>Retries</h3>
          <span className="figure figure-large">{formatTokens(task.retryTokens)}</span>
          <span className="sub muted">
            tokens in {task.retryTurns} {task.retryTurns === 1 ? 'retry' : 'retries'}
          </span>
        </div>
      </div>

      <div className="detail-grid">
        <div>
          <h3>Outcome</h3>
          <OutcomeEditor key={task.id} task={task} title={title} onSet={setOutcome} />
          <h3>Signals</h3>
          <SignalList task={task} now={data.now} conversations={data.conversations} />
        </div>
        <div>
          <h3>Tokens over time</h3>
          {series && series.at.length > 0 ? (
            <Suspense fallback={<div className="chart-canvas chart-canvas-small" aria-hidden="true" />}>
              <TaskTokensChart series={series} palette={palette} />
            </Suspense>
          ) : (
            <p className="muted">No model calls yet.</p>
          )}
        </div>
      </div>

      <h3>Conversations</h3>
      <ConversationList task={task} conversations={data.conversations} targets={data.recent} onMove={move} />

      <h3>
        Model calls <span className="muted">· {data.turns.length.toLocaleString('en-US')}</span>
      </h3>
      <TurnList key={task.id} turns={data.turns} />
    </section>
  );
}
