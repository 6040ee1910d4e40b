import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { FIRST_WINDOW, popupData, popupReadKey } from './read-plan';
import { DbStatusBoundary } from '@/components/DbStatus';
import { firstReadRows } from '@/components/use-first-read';
import { takeFirstRead } from '@/utils/first-read';
import '@/components/theme.css';
import './popup.css';

/** What the popup's <head> script started reading before this bundle ran (utils/first-read.ts), if anything. */
const first = takeFirstRead(popupReadKey(FIRST_WINDOW));

// The first render waits for those rows (usually read by the time this bundle has been evaluated): the figures
// are then the first thing React commits, instead of an empty frame, a paint and an effect before them.
void firstReadRows(first).then((rows) => {
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      {/* A database that cannot open fails the page's reads: say so instead of a blank page. */}
      <DbStatusBoundary fallback={(notice) => <main className="popup">{notice}</main>}>
        <App firstData={rows && first ? popupData(rows, first.now, FIRST_WINDOW) : undefined} />
      </DbStatusBoundary>
    </StrictMode>,
  );
});
