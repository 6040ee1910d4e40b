import { SiteList } from './SiteList';
import { PrivacySettings } from './PrivacySettings';
import { DataTransfer } from './DataTransfer';
import { DbStatus } from '@/components/DbStatus';

export function App() {
  return (
    <main className="options">
      <DbStatus />
      <header className="options-header">
        <h1>Tokenwise settings</h1>
        <p className="muted">
          Everything Tokenwise records stays in this browser. It runs only on the sites listed here.
        </p>
      </header>
      <SiteList />
      <PrivacySettings />
      <DataTransfer />
    </main>
  );
}
