import { useEffect, useState } from 'react';
import { getSettings, parseSettings, settingsItem, updateSettings, type PrivacySettings } from '@/utils/settings';

/** The privacy settings, kept current with storage (another tab, the popup), and a way to change them. */
export function useSettings(): [
  PrivacySettings | undefined,
  (change: (s: PrivacySettings) => PrivacySettings) => Promise<void>,
] {
  const [settings, setSettings] = useState<PrivacySettings>();
  useEffect(() => {
    let alive = true;
    void getSettings().then((s) => alive && setSettings(s));
    const unwatch = settingsItem.watch((v) => setSettings(parseSettings(v)));
    return () => {
      alive = false;
      unwatch();
    };
  }, []);
  const change = async (fn: (s: PrivacySettings) => PrivacySettings) => {
    setSettings(await updateSettings(fn));
  };
  return [settings, change];
}
