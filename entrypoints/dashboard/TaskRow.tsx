import { memo, type MouseEvent } from 'react';
import { formatTokens, formatUsd } from '@/utils/format';
import type { Outcome } from '@/utils/records';
import { OutcomeButtons } from './OutcomeButtons';
import type { TaskRow as Row } from './task-rows';
import { formatDateTime, formatWhen } from './when';

export const KIND_SHORT = { chat: 'Chat', agent: 'Agent', manual: 'Manual' } as const;

/** A click on a row opens its detail, except on the row's own controls (their clicks are their own). */
const isOwnControl = (e: MouseEvent) => (e.target as Element).closest('a, button, input, label, select, textarea');

/** One task in the table. Memoised: a live update re-renders only the rows whose task changed. */
export const TaskRow = memo(function TaskRow({
  row,
  href,
  now,
  selected,
  onSelect,
  onOpen,
  onOutcome,
}: {
  row: Row;
  href: string;
  now: number;
  selected: boolean;
  onSelect: (id: string, on: boolean) => void;
  onOpen: (id: string) => void;
  onOutcome: (id: string, outcome: Outcome | null) => void;
}) {
  const { task } = row;
  const unpricedAll = task.unpricedTokens >= row.tokens;
  return (
    <tr
      data-testid="task-row"
      data-task-id={task.id}
      data-outcome={task.outcome ?? ''}
      className={selected ? 'selected' : undefined}
      onClick={(e) => !isOwnControl(e) && onOpen(task.id)}
    >
      <td className="select">
        <input
          type="checkbox"
          checked={selected}
          onChange={(e) => onSelect(task.id, e.target.checked)}
          aria-label={`Select “${row.title}”`}
        />
      </td>
      <th scope="row" className="task-title">
        <a
          href={href}
          className={row.untitled ? 'untitled' : undefined}
          onClick={(e) => {
            if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey) return; // let the browser open a tab
            e.preventDefault();
            onOpen(task.id);
          }}
        >
          {row.title}
        </a>
        {(task.conversations > 1 || task.note) && (
          <span className="task-sub muted">
            {task.conversations > 1 && `${task.conversations} conversations`}
            {task.conversations > 1 && task.note && ' · '}
            {task.note && <span title={task.note}>“{task.note}”</span>}
          </span>
        )}
      </th>
      <td className="site" title={task.site}>
        {row.siteName}
      </td>
      <td>
        <span className={`kind kind-${task.kind}`}>{KIND_SHORT[task.kind]}</span>
      </td>
      <td className="when" title={formatDateTime(task.lastAt)}>
        {formatWhen(task.lastAt, now)}
      </td>
      <td className="num" title={row.estimated ? 'Partly estimated: the service did not report every call' : undefined}>
        {formatTokens(row.tokens, row.estimated)}
      </td>
      <td
        className="num"
        title={
          unpricedAll
            ? 'No known price for these models'
            : task.unpricedTokens > 0
              ? 'Some calls have no known price'
              : undefined
        }
      >
        {unpricedAll ? (
          <span className="muted">—</span>
        ) : (
          `${formatUsd(task.costUsd)}${task.unpricedTokens > 0 ? '+' : ''}`
        )}
      </td>
      <td className="outcome-cell">
        <OutcomeButtons task={task} title={row.title} onSet={(o) => onOutcome(task.id, o)} />
      </td>
    </tr>
  );
});
