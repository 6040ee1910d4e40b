// Composition root: every listener is registered synchronously here, before anything awaits
// (reliability test 4), so an event that wakes a stopped worker is handled on first dispatch.
import { defineBackground } from '#imports';
import { setupRouter } from './router';
import { setupOutboxDrain } from './outbox-drain';
import { setupBadge } from './badge-setup';
import { setupRegistration } from './registration';
import { setupTabSignals } from './tab-signals';
import { setupTextStore } from './text-store';
import { getDb } from '@/utils/db';
import { setupRetention } from './retention';

export default defineBackground(() => {
  setupRouter();
  setupOutboxDrain();
  setupBadge();
  setupRegistration();
  setupTabSignals();
  setupTextStore(getDb);
  setupRetention();
});
