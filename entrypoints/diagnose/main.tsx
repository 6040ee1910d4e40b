import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import '@/components/theme.css';
import './diagnose.css';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App tabId={Number(new URLSearchParams(location.search).get('tab'))} />
  </StrictMode>,
);
