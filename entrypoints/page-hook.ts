// MAIN-world content script at document_start: wraps the page's network APIs and posts small facts to
// the relay over the private bridge. No Zod and no extension APIs here: the relay validates. The relay's
// one message back (whether to send turn text, per the site's privacy setting) arrives on the same port.
import { defineUnlistedScript } from '#imports';
import { openHookBridge } from '@/utils/bridge';
import { installCapture } from '@/utils/capture/install';
import { applyHookConfig } from '@/utils/capture/report';

export default defineUnlistedScript(() => {
  installCapture(window, openHookBridge({ onMessage: applyHookConfig }));
});
