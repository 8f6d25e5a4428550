import { fileURLToPath } from 'node:url';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { defineConfig } from 'vitest/config';

/**
 * The tests `npm run test:mutation` runs against each mutant: the engine's and the mock's node
 * tests (no browser, no Electron). The CLI, crash and durability tests run child processes from the
 * sandbox's own build of the mutated sources; test-support/mutation-bridge.ts hands each child the
 * active mutant and brings back what the child covered, so those tests are credited like any other.
 *
 * Left out: chaos.test.ts. It draws random faults and kill points on each run, so whether it kills a
 * mutant would change from run to run (scores that cannot be reproduced), and one run of it takes
 * ~45 s for every mutant it covers. What it checks at random, crash-safety.test.ts checks at every
 * kill point deterministically.
 */
const root = fileURLToPath(new URL('..', import.meta.url));

/** Tests that start processes: the slowest, run last so that a mutant a unit test kills stops early (Stryker bails on the first failure). */
const PROCESS_TESTS = /\/(cli|cli-[^/]*|crash-safety|hardening|durability|round-trips)\.test\.ts$/;
/**
 * `in-process` (the first pass of scripts/mutation.mjs): only the tests that run in Vitest's own
 * process. `all` (the second pass, incremental): the process tests too, which then only run
 * against the mutants the first pass left alive.
 */
const inProcessOnly = process.env.OSIRIS_MUTATION_TESTS === 'in-process';

class FastFirst extends BaseSequencer {
  override sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (spec: TestSpecification) => (PROCESS_TESTS.test(spec.moduleId) ? 1 : 0);
    return Promise.resolve([...files].sort((a, b) => rank(a) - rank(b) || a.moduleId.localeCompare(b.moduleId)));
  }
}

export default defineConfig({
  root,
  test: {
    pool: 'forks',
    // One worker for all files: Stryker reruns a few tests from many files for each mutant, and a
    // fresh process per file would cost more than the tests. (The suite passes either way.)
    isolate: false,
    testTimeout: 30_000,
    hookTimeout: 30_000,
    include: ['agent-core/test/**/*.test.ts', 'mock-server/test/**/*.test.ts'],
    // demo.test.ts runs `npm run demo`'s built script, which the sandbox does not build (it is a
    // script around the CLI and the mock, both tested here on their own).
    exclude: ['agent-core/test/chaos.test.ts', 'mock-server/test/dashboard/demo.test.ts', 'mock-server/test/e2e/**', ...(inProcessOnly ? ['agent-core/test/{cli,cli-*,crash-safety,hardening,durability,round-trips}.test.ts'] : [])],
    environment: 'node',
    setupFiles: ['test-support/mutation-bridge.ts'],
    sequence: { sequencer: FastFirst },
  },
});
