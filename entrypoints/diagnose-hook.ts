// "Test this site", MAIN world: injected on demand into the current tab (activeTab) by the diagnostic
// page. Wraps the page's network APIs on top of anything already there and reports what it sees. It
// stores nothing: its facts go only to the diagnostic page.
import { defineUnlistedScript } from '#imports';
import { openHookBridge } from '@/utils/bridge';
import { installCapture } from '@/utils/capture/install';
import { setTraceSink } from '@/utils/capture/report';

export default defineUnlistedScript(() => {
  const post = openHookBridge({ windowMs: 10_000 });
  setTraceSink(post);
  installCapture(window, () => {}, 'diagnose');
});
