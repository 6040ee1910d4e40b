// Isolated-world content script: receives facts from the page hook over the private bridge and hands
// them to the outbox, as the site's privacy settings allow (and tells the hook whether to send turn text).
// Kept thin; the logic lives in utils/relay-core.ts and utils/outbox.ts.
import { browser, defineUnlistedScript } from '#imports';
import { openRelayBridge } from '@/utils/bridge';
import { createOutbox } from '@/utils/outbox';
import { createRelay, followSitePrivacy } from '@/utils/relay-core';

export default defineUnlistedScript(() => {
  const site = location.origin;
  let toHook: (message: unknown) => void = () => {};
  // Settings not loaded yet: facts wait (for milliseconds), and the hook sends no text.
  const relay = createRelay({ site, outbox: createOutbox(), privacy: null, configureHook: (c) => toHook(c) });
  toHook = openRelayBridge((data) => relay.receive(data));
  followSitePrivacy(site, browser.extension?.inIncognitoContext === true, relay.setPrivacy);
});
