import { defineConfig } from 'vitest/config';

// End-to-end tests in real Chromium against the demo tool on 127.0.0.1. One browser at a time: the
// machine has two cores and the tests stop and restart service workers.
export default defineConfig({
  resolve: { alias: { '@': new URL('.', import.meta.url).pathname } },
  test: {
    include: ['tests/e2e/**/*.e2e.test.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
    globalSetup: ['tests/e2e/global-setup.ts'],
  },
});
