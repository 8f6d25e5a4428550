import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach } from 'vitest';

/**
 * Setup file of `npm run test:mutation` only (stryker/vitest.config.ts). The CLI, crash and chaos
 * tests run the engine in child processes, built in Stryker's sandbox from the instrumented
 * sources. Two things make those tests count:
 * - the active mutant goes to each child in `__STRYKER_ACTIVE_MUTANT__`, which the instrumented
 *   code reads at start;
 * - in the dry run, each child writes what it covered on exit (mutation-child-coverage.mjs, loaded
 *   with `--import`), and that is added to the coverage of the test that ran it, so Stryker picks
 *   that test for those mutants.
 * Children inherit these variables through `process.env`, or through `mutationEnv()` where a test
 * gives a child an environment of its own.
 */
interface StrykerCoverage { static?: Record<string, number>; perTest?: Record<string, Record<string, number>> }
interface StrykerNamespace { activeMutant?: string | number; currentTestId?: string; mutantCoverage?: Required<StrykerCoverage> }

const CHILD_COVERAGE = fileURLToPath(new URL('mutation-child-coverage.mjs', import.meta.url));
const ns = (): StrykerNamespace | undefined => (globalThis as { __stryker__?: StrykerNamespace }).__stryker__;

let testId: string | undefined;
let coverageDir: string | undefined;

beforeEach(() => {
  const active = ns()?.activeMutant;
  if (active === undefined) delete process.env.__STRYKER_ACTIVE_MUTANT__;
  else process.env.__STRYKER_ACTIVE_MUTANT__ = String(active);
  testId = ns()?.currentTestId;
  if (active === undefined && testId !== undefined) {
    coverageDir = mkdtempSync(join(tmpdir(), 'osiris-mutation-coverage-'));
    process.env.OSIRIS_MUTATION_COVERAGE_DIR = coverageDir;
    process.env.NODE_OPTIONS = `--import ${CHILD_COVERAGE}`;
  }
});

afterEach(() => {
  const dir = coverageDir;
  const id = testId;
  coverageDir = undefined;
  delete process.env.OSIRIS_MUTATION_COVERAGE_DIR;
  delete process.env.NODE_OPTIONS;
  if (dir === undefined || id === undefined) return;
  const coverage = ns()?.mutantCoverage;
  if (coverage !== undefined) {
    const mine = (coverage.perTest[id] ??= {});
    for (const name of readdirSync(dir)) {
      const child = JSON.parse(readFileSync(join(dir, name), 'utf8')) as StrykerCoverage;
      for (const counts of [child.static ?? {}, ...Object.values(child.perTest ?? {})]) {
        for (const [mutant, hits] of Object.entries(counts)) mine[mutant] = (mine[mutant] ?? 0) + hits;
      }
    }
  }
  rmSync(dir, { recursive: true, force: true });
});
