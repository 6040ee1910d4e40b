import { defineConfig } from 'vitest/config';

// Tests of the built extension (.output): manifest snapshot, bundle egress scan, bundle sizes.
// Run after `wxt build` by `npm run test:build`.
export default defineConfig({
  resolve: { alias: { '@': new URL('.', import.meta.url).pathname } },
  test: { include: ['tests/build/**/*.test.ts'] },
});
