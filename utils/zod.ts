// The one place Zod is imported from. Zod 4 probes `new Function('')` when the first schema is built;
// under MV3's CSP that probe fires securitypolicyviolation events (visible to pages when it runs in a
// content script). jitless mode skips the probe. See ../shared/docs/wxt-recipes.md §6.
import * as z from 'zod/mini';

z.config({ jitless: true });

export { z };
