import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { DbStatusBoundary } from '@/components/DbStatus';
import '@/components/theme.css';
import './dashboard.css';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    {/* A database that cannot open fails the page's reads: say so instead of a blank page. */}
    <DbStatusBoundary fallback={(notice) => <main className="dashboard">{notice}</main>}>
      <App />
    </DbStatusBoundary>
  </StrictMode>,
);
