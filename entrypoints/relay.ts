// Isolated-world content script: receives facts from the page hook over the private bridge and hands
// them to the outbox. Kept thin; the logic lives in utils/relay-core.ts and utils/outbox.ts.
import { defineUnlistedScript } from '#imports';
import { openRelayBridge } from '@/utils/bridge';
import { createOutbox } from '@/utils/outbox';
import { createRelay } from '@/utils/relay-core';

export default defineUnlistedScript(() => {
  const relay = createRelay({ site: location.origin, outbox: createOutbox() });
  openRelayBridge((data) => relay.receive(data));
});
