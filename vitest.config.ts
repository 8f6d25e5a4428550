import { svelte } from '@sveltejs/vite-plugin-svelte';
import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 30_000,
    projects: [
      {
        test: {
          name: 'node',
          include: ['agent-core/test/**/*.test.ts', 'mock-server/test/**/*.test.ts', 'electron/test/**/*.test.ts'],
          // The dashboard's browser tests run with the kiosk's, one Chromium at a time.
          exclude: [...configDefaults.exclude, 'mock-server/test/e2e/**'],
          environment: 'node',
          // CLI and crash tests run the built bin (dist/); `npm test` builds first.
          globalSetup: ['test-support/require-build.ts'],
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['renderer/test/e2e/**/*.test.ts', 'mock-server/test/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          // One Chromium at a time: two cores, and each kiosk test owns a camera and a backend.
          fileParallelism: false,
          globalSetup: ['test-support/require-build.ts'],
        },
      },
      {
        plugins: [svelte()],
        resolve: { conditions: ['browser'] },
        test: {
          name: 'components',
          include: ['renderer/test/components/**/*.test.ts'],
          environment: 'jsdom',
        },
      },
    ],
  },
});
