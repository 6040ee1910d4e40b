/**
 * "Your data": export everything (JSON) or the tasks and daily totals (CSV), import an export after a preview,
 * and delete all history. Files are read and written here, in the options page (utils/import.ts says why).
 */
import { useId, useRef, useState, type ChangeEvent } from 'react';
import { getDb } from '@/utils/db';
import { databaseForExport, exportAll, exportDailyCsv, exportFileName, exportTasksCsv } from '@/utils/export';
import { TABLE_NAMES, type TableName } from '@/utils/export-format';
import { applyImport, checkImport, type ImportPreview } from '@/utils/import';
import { summariseHistory, wipeHistory, type HistorySummary } from '@/utils/wipe';
import './data-transfer.css';

type Message = { tone: 'good' | 'bad' | 'info'; text: string };

const TABLE_LABELS: Record<TableName, string> = {
  turns: 'Model calls',
  daily: 'Daily totals',
  health: 'Site health',
  conversations: 'Conversations',
  tasks: 'Tasks',
  texts: 'Prompt and reply texts',
};

const n = (x: number) => x.toLocaleString('en-US');
const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * Saves a Blob as a file: an object URL on an `<a download>`, which extension pages may use without the
 * `downloads` permission. The URL is revoked a minute later (revoking at once can cancel the download).
 */
function download(blob: Blob, name: string) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export function DataTransfer() {
  return (
    <section className="card data-transfer" aria-labelledby="data-title">
      <h2 id="data-title">Your data</h2>
      <p className="muted">
        Everything Tokenwise records stays in this browser. Save a copy, move it to another browser, or delete it.
      </p>
      <ExportPanel />
      <ImportPanel />
      <WipePanel />
    </section>
  );
}

/** Runs the JSON export with progress and saves it; shared by the export panel and the wipe dialog. */
function useJsonExport() {
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<Message>();
  const run = async (): Promise<boolean> => {
    setBusy(true);
    setMessage({ tone: 'info', text: 'Preparing the export…' });
    try {
      const blob = await exportAll(await databaseForExport(), {
        onProgress: ({ done, total }) =>
          setMessage({ tone: 'info', text: `Exporting… ${total ? Math.floor((done / total) * 100) : 100}%` }),
      });
      download(blob, exportFileName('export'));
      setMessage({ tone: 'good', text: `Saved ${exportFileName('export')} (${(blob.size / 1e6).toFixed(1)} MB).` });
      return true;
    } catch (e) {
      setMessage({ tone: 'bad', text: `The export failed: ${errorText(e)}` });
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { busy, message, run };
}

function ExportPanel() {
  const json = useJsonExport();
  const [csvMessage, setCsvMessage] = useState<Message>();
  const csv = async (kind: 'tasks' | 'daily') => {
    try {
      const blob = await (kind === 'tasks' ? exportTasksCsv(getDb()) : exportDailyCsv(getDb()));
      download(blob, exportFileName(kind));
      setCsvMessage({ tone: 'good', text: `Saved ${exportFileName(kind)}.` });
    } catch (e) {
      setCsvMessage({ tone: 'bad', text: `The export failed: ${errorText(e)}` });
    }
  };
  const message = json.busy ? json.message : (csvMessage ?? json.message);
  return (
    <div className="dt-block">
      <h3>Export</h3>
      <p className="muted">
        The full export (JSON) holds every record and your settings, and can be imported again. The CSV files open in a
        spreadsheet.
      </p>
      <div className="dt-actions">
        <button
          type="button"
          className="primary"
          data-testid="export-json"
          disabled={json.busy}
          onClick={() => {
            setCsvMessage(undefined);
            void json.run();
          }}
        >
          Export everything (JSON)
        </button>
        <button type="button" data-testid="export-tasks-csv" onClick={() => void csv('tasks')}>
          Tasks (CSV)
        </button>
        <button type="button" data-testid="export-daily-csv" onClick={() => void csv('daily')}>
          Daily totals (CSV)
        </button>
      </div>
      <StatusLine message={message} testId="export-status" />
    </div>
  );
}

function StatusLine({ message, testId }: { message?: Message; testId: string }) {
  // Always in the DOM, so screen readers announce changes to it.
  return (
    <p className={`form-status ${message?.tone ?? ''}`} role="status" data-testid={testId}>
      {message?.text}
    </p>
  );
}

function ImportPanel() {
  const inputId = useId();
  const fileInput = useRef<HTMLInputElement>(null);
  const [preview, setPreview] = useState<ImportPreview>();
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<Message>();

  const onFile = async (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    setPreview(undefined);
    if (!file) return setMessage(undefined);
    setBusy(true);
    setMessage({ tone: 'info', text: `Checking ${file.name}…` });
    const checked = await checkImport(file, getDb());
    setBusy(false);
    if (!checked.ok) return setMessage({ tone: 'bad', text: checked.error });
    setPreview(checked.preview);
    setMessage(undefined);
  };

  const apply = async (validOnly: boolean) => {
    if (!preview) return;
    setBusy(true);
    setMessage({ tone: 'info', text: 'Importing…' });
    const result = await applyImport(preview, getDb(), {
      validOnly,
      onProgress: ({ done, total }) =>
        setMessage({
          tone: 'info',
          text: `Importing… ${n(done)} of ${n(total)} records (${Math.floor((done / total) * 100)}%). Nothing is saved until all are written.`,
        }),
    });
    setBusy(false);
    if (!result.ok) return setMessage({ tone: 'bad', text: result.error });
    setPreview(undefined);
    if (fileInput.current) fileInput.current.value = '';
    setMessage({
      tone: 'good',
      text:
        result.written === 0
          ? 'Imported: nothing new, your history already had every record. Settings were taken from the file.'
          : `Imported ${n(result.written)} new or updated records, and the settings from the file.`,
    });
  };

  return (
    <div className="dt-block">
      <h3>Import</h3>
      <p className="muted">
        Import a Tokenwise export (JSON). You see what it would change before anything is written. Records already here
        are updated from the file; nothing is deleted.
      </p>
      <div className="dt-actions">
        <label className="field" htmlFor={inputId}>
          <span>Export file</span>
          <input
            id={inputId}
            ref={fileInput}
            type="file"
            accept=".json,application/json"
            data-testid="import-file"
            disabled={busy}
            onChange={(e) => void onFile(e)}
          />
        </label>
      </div>
      {preview && <PreviewTable preview={preview} busy={busy} onApply={(validOnly) => void apply(validOnly)} />}
      <StatusLine message={message} testId="import-result" />
    </div>
  );
}

function PreviewTable({
  preview,
  busy,
  onApply,
}: {
  preview: ImportPreview;
  busy: boolean;
  onApply: (validOnly: boolean) => void;
}) {
  const noteId = useId();
  const sum = (k: 'new' | 'updated' | 'identical' | 'invalid') =>
    TABLE_NAMES.reduce((a, t) => a + preview.counts[t][k], 0);
  const valid = sum('new') + sum('updated') + sum('identical');
  const hasInvalid = preview.invalidTotal > 0;
  const nothingNew = sum('new') + sum('updated') === 0;
  return (
    <div className="dt-preview" data-testid="import-preview">
      <p>
        Exported {new Date(preview.exportedAt).toLocaleString()} by Tokenwise {preview.appVersion} (format v
        {preview.formatVersion}).
      </p>
      <table className="dt-table">
        <caption className="sr-only">What importing this file would do, per kind of record</caption>
        <thead>
          <tr>
            <th scope="col">Records</th>
            <th scope="col">New</th>
            <th scope="col">Updated</th>
            <th scope="col">Already here</th>
            <th scope="col">Not valid</th>
          </tr>
        </thead>
        <tbody>
          {TABLE_NAMES.map((t) => {
            const c = preview.counts[t];
            return (
              <tr key={t} data-table={t}>
                <th scope="row">{TABLE_LABELS[t]}</th>
                <td data-col="new">{n(c.new)}</td>
                <td data-col="updated">{n(c.updated)}</td>
                <td data-col="identical">{n(c.identical)}</td>
                <td data-col="invalid" className={c.invalid > 0 ? 'dt-bad' : undefined}>
                  {n(c.invalid)}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {hasInvalid && (
        <div className="notice warn" id={noteId} data-testid="import-invalid">
          <p>
            {n(preview.invalidTotal)} {preview.invalidTotal === 1 ? 'record is' : 'records are'} not valid and cannot be
            imported{preview.invalidTotal > preview.invalid.length ? '; the first ones:' : ':'}
          </p>
          <ul>
            {preview.invalid.map((r) => (
              <li key={`${r.table}:${r.index}`}>
                {TABLE_LABELS[r.table]} #{r.index + 1}
                {r.path ? (
                  <>
                    , field <code>{r.path}</code>
                  </>
                ) : null}
                : {r.reason}
              </li>
            ))}
          </ul>
        </div>
      )}
      {nothingNew && !hasInvalid && <p className="muted">Nothing new: every record in the file is already here.</p>}
      <div className="dt-actions">
        <button
          type="button"
          className="primary"
          data-testid="import-confirm"
          disabled={busy || hasInvalid}
          aria-describedby={hasInvalid ? noteId : undefined}
          onClick={() => onApply(false)}
        >
          Import
        </button>
        {hasInvalid && (
          <button type="button" data-testid="import-valid-only" disabled={busy} onClick={() => onApply(true)}>
            Import the {n(valid)} valid records only
          </button>
        )}
      </div>
    </div>
  );
}

function WipePanel() {
  const [summary, setSummary] = useState<HistorySummary>();
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<Message>();
  const json = useJsonExport();
  const titleId = useId();
  const opener = useRef<HTMLButtonElement>(null);

  const show = async () => {
    setMessage(undefined);
    setSummary(await summariseHistory(getDb()));
    setOpen(true);
  };
  const close = () => {
    setOpen(false);
    opener.current?.focus();
  };
  const wipe = async () => {
    setBusy(true);
    try {
      await wipeHistory(getDb());
      setMessage({ tone: 'good', text: 'All history was deleted and the privacy settings were reset.' });
      setOpen(false);
    } catch (e) {
      setMessage({ tone: 'bad', text: `Nothing was deleted: ${errorText(e)}` });
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="dt-block">
      <h3>Delete</h3>
      {!open && (
        <button type="button" className="danger" data-testid="wipe-open" ref={opener} onClick={() => void show()}>
          Delete all history…
        </button>
      )}
      {open && summary && (
        <div
          className="dt-dialog"
          role="alertdialog"
          aria-labelledby={titleId}
          onKeyDown={(e) => e.key === 'Escape' && close()}
        >
          <h4 id={titleId}>Delete all history?</h4>
          <p data-testid="wipe-summary">
            {summary.turns === 0 && summary.tasks === 0
              ? 'There is no recorded history. Your privacy settings will be reset to the defaults.'
              : `This deletes ${n(summary.tasks)} ${summary.tasks === 1 ? 'task' : 'tasks'} and ${n(summary.turns)} ` +
                `recorded model ${summary.turns === 1 ? 'call' : 'calls'}` +
                (summary.firstDay ? ` from ${summary.firstDay} to ${summary.lastDay}` : '') +
                ', with their outcomes, notes and any saved texts, and resets your privacy settings.'}{' '}
            Your list of sites stays. This cannot be undone.
          </p>
          <div className="dt-actions">
            <button type="button" data-testid="wipe-export-first" disabled={json.busy} onClick={() => void json.run()}>
              Export first
            </button>
            <button
              type="button"
              className="danger-strong"
              data-testid="wipe-confirm"
              disabled={busy}
              onClick={() => void wipe()}
            >
              Delete everything
            </button>
            <button type="button" autoFocus onClick={close}>
              Cancel
            </button>
          </div>
          <StatusLine message={json.message} testId="wipe-export-status" />
        </div>
      )}
      <StatusLine message={message} testId="wipe-result" />
    </div>
  );
}
