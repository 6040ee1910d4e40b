// MAIN-world content script at document_start: wraps the page's network APIs and posts small facts to
// the relay over the private bridge. No Zod and no extension APIs here: the relay validates.
import { defineUnlistedScript } from '#imports';
import { openHookBridge } from '@/utils/bridge';
import { installCapture } from '@/utils/capture/install';

export default defineUnlistedScript(() => {
  installCapture(window, openHookBridge());
});
