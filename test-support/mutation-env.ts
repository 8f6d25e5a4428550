/**
 * The variables `npm run test:mutation` sets for child processes (see mutation-bridge.ts), for the
 * spawns that give a child an environment of their own. Empty in any other run.
 */
export function mutationEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  const active = process.env.__STRYKER_ACTIVE_MUTANT__;
  if (active !== undefined) env.__STRYKER_ACTIVE_MUTANT__ = active;
  const coverageDir = process.env.OSIRIS_MUTATION_COVERAGE_DIR;
  if (coverageDir !== undefined && process.env.NODE_OPTIONS !== undefined) {
    env.OSIRIS_MUTATION_COVERAGE_DIR = coverageDir;
    env.NODE_OPTIONS = process.env.NODE_OPTIONS;
  }
  return env;
}
