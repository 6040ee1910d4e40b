// "Test this site", MAIN world: injected on demand into the current tab (activeTab) by the diagnostic
// page. Wraps the page's network APIs on top of anything already there and reports what it sees. It
// stores nothing: its facts go only to the diagnostic page.
import { defineUnlistedScript } from '#imports';
import { openHookBridge } from '@/utils/bridge';
import { installCapture } from '@/utils/capture/install';
import { setTracer } from '@/utils/capture/report';
import { seenEventTracer } from '@/utils/capture/trace';

export default defineUnlistedScript(() => {
  const post = openHookBridge({ windowMs: 10_000 });
  setTracer(seenEventTracer(post));
  installCapture(window, () => {}, 'diagnose');
});
