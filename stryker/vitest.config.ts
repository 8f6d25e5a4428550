import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * The tests `npm run test:mutation` runs against each mutant: the engine's and the mock's node
 * tests (no browser, no Electron). The CLI, crash and chaos tests run child processes from the
 * sandbox's own build of the mutated sources; `mutation-bridge.ts` hands each child the active
 * mutant and brings back what the child covered, so those tests are credited like any other.
 */
const root = fileURLToPath(new URL('..', import.meta.url));

export default defineConfig({
  root,
  test: {
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 30_000,
    include: ['agent-core/test/**/*.test.ts', 'mock-server/test/**/*.test.ts'],
    environment: 'node',
    setupFiles: ['test-support/mutation-bridge.ts'],
  },
});
