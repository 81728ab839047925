import { defineConfig } from 'vitest/config';

// End-to-end: headless Chromium (playwright-core) against `capacity-server --demo`.
// One file, one worker: the tests share one server and run in order.
export default defineConfig({
  test: {
    environment: 'node',
    include: ['e2e/**/*.e2e.ts'],
    globalSetup: ['e2e/globalSetup.ts'],
    fileParallelism: false,
    testTimeout: 90_000,
    hookTimeout: 20 * 60_000,
    reporters: ['default'],
  },
});
