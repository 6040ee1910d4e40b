import { useState } from 'react';
import type { Turn } from '@/utils/records';
import { ProvenanceCount } from './ProvenanceCount';
import { formatDateTime, formatTime, formatTimeSeconds } from './when';

const PAGE = 200;
const DAY_MS = 86_400_000;
// Within an hour, minutes alone would label most calls the same.
const HOUR_MS = 3_600_000;

/** Every model call of a task, oldest first; calls the person never sent are labelled as hidden calls. */
export function TurnList({ turns }: { turns: readonly Turn[] }) {
  const [limit, setLimit] = useState(PAGE);
  if (turns.length === 0) return <p className="muted">No model calls recorded for this task yet.</p>;
  const span = turns[turns.length - 1]!.at - turns[0]!.at;
  const time = (at: number) =>
    span >= DAY_MS ? formatDateTime(at) : span < HOUR_MS ? formatTimeSeconds(at) : formatTime(at);
  return (
    <>
      <div className="table-scroll">
        <table className="turns" data-testid="task-turns">
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Model</th>
              <th scope="col" className="num">
                Input
              </th>
              <th scope="col" className="num">
                Output
              </th>
              <th scope="col">
                <span className="sr-only">Labels</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {turns.slice(0, limit).map((t) => {
              const tools = t.toolCalls ? Object.values(t.toolCalls).reduce((a, b) => a + b, 0) : 0;
              return (
                <tr
                  key={t.id}
                  data-testid="turn-row"
                  data-background={t.background ? 'true' : undefined}
                  className={t.background ? 'hidden-call' : undefined}
                >
                  <td title={formatDateTime(t.at)}>{time(t.at)}</td>
                  <td className="model">{t.model ?? <span className="muted">not named</span>}</td>
                  <td className="num">
                    <ProvenanceCount n={t.inputTokens} source={t.source} />
                  </td>
                  <td className="num">
                    <ProvenanceCount n={t.outputTokens} source={t.source} />
                  </td>
                  <td>
                    <span className="labels">
                      {t.background && (
                        <span
                          className="chip chip-hidden"
                          title="A call you did not send: a title, summary or agent step"
                        >
                          hidden call
                        </span>
                      )}
                      {t.retry && (
                        <span className="chip chip-retry" title="Re-sent the same context: a regenerate or retry">
                          retry
                        </span>
                      )}
                      {t.status === 'aborted' && <span className="chip">stopped</span>}
                      {tools > 0 && (
                        <span className="chip" title={Object.keys(t.toolCalls!).join(', ')}>
                          {tools} tool {tools === 1 ? 'call' : 'calls'}
                        </span>
                      )}
                    </span>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {turns.length > limit && (
        <button type="button" className="show-more" onClick={() => setLimit((l) => l + PAGE)}>
          Show {Math.min(PAGE, turns.length - limit)} more of {(turns.length - limit).toLocaleString('en-US')}
        </button>
      )}
    </>
  );
}
