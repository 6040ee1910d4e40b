// "Test this site", isolated world: validates what the diagnostic hook reports and forwards it to the
// diagnostic page over a runtime port. Injected before the hook; nothing is stored.
import { browser, defineUnlistedScript } from '#imports';
import { openRelayBridge } from '@/utils/bridge';
import { DIAGNOSE_PORT, SeenEvent } from '@/utils/diagnose-messages';

const MAX_EVENTS = 2_000;

export default defineUnlistedScript(() => {
  const port = browser.runtime.connect({ name: DIAGNOSE_PORT });
  let sent = 0;
  let open = true;
  port.onDisconnect.addListener(() => {
    open = false;
  });
  openRelayBridge(
    (data) => {
      if (!open || sent >= MAX_EVENTS) return;
      const parsed = SeenEvent.safeParse(data);
      if (!parsed.success) return;
      sent++;
      port.postMessage(parsed.data);
    },
    { windowMs: 10_000 },
  );
});
