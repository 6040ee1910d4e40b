import { useEffect, useState } from 'react';
import type { PrivacySettings } from '@/utils/settings';

// The settings module brings Zod with it: loaded after the popup's first render, not before it.
const settingsModule = () => import('@/utils/settings');

/** "Tracking paused until 14:30 · Resume": a pause is never silent (the badge says "off" as well). */
export function PauseNotice() {
  const [settings, setSettings] = useState<PrivacySettings>();
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    let alive = true;
    let unwatch = () => {};
    void settingsModule().then(({ getSettings, parseSettings, settingsItem }) => {
      if (!alive) return;
      void getSettings().then((s) => alive && setSettings(s));
      unwatch = settingsItem.watch((v) => setSettings(parseSettings(v)));
    });
    return () => {
      alive = false;
      unwatch();
    };
  }, []);
  useEffect(() => {
    const until = settings?.pause?.until;
    if (!until || until <= Date.now()) return;
    const t = setTimeout(() => setNow(Date.now()), Math.min(until - Date.now() + 50, 2 ** 31 - 1));
    return () => clearTimeout(t);
  }, [settings?.pause?.until, now]);
  const pause = settings?.pause;
  if (!pause || (pause.until !== null && pause.until <= now)) return null;
  const resume = () => void settingsModule().then((m) => m.updateSettings((s) => ({ ...s, pause: null })));
  return (
    <div className="notice" role="status" data-testid="pause-notice">
      <strong>Tracking paused</strong>{' '}
      {pause.until === null
        ? 'until you resume it.'
        : `until ${new Date(pause.until).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })}${
            new Date(pause.until).toDateString() === new Date(now).toDateString() ? '' : ' tomorrow'
          }.`}{' '}
      Nothing is counted meanwhile.{' '}
      <button type="button" className="small" onClick={resume} data-testid="popup-resume">
        Resume
      </button>
    </div>
  );
}
