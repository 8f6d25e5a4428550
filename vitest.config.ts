import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['agent-core/test/**/*.test.ts', 'mock-server/test/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // CLI and crash tests run the built bin (dist/); `npm test` builds first.
    globalSetup: ['test-support/require-build.ts'],
  },
});
