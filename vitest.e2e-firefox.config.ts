import { defineConfig } from 'vitest/config';

// End-to-end tests in real Firefox (puppeteer-core over WebDriver BiDi) against the demo tool on 127.0.0.1.
// One browser at a time. Run by `npm run test:e2e:firefox`, which builds the Firefox demo build first.
export default defineConfig({
  resolve: { alias: { '@': new URL('.', import.meta.url).pathname } },
  test: {
    include: ['tests/e2e-firefox/**/*.e2e.test.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
    globalSetup: ['tests/e2e-firefox/global-setup.ts'],
  },
});
