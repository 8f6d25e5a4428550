// Shared StrykerJS settings for `npm run test:mutation` (scripts/mutation.mjs runs one config per area).
// The sandbox builds the CLI and the mock from the instrumented sources, so the tests that run them
// as child processes kill mutants too (test-support/mutation-bridge.ts).

/** @returns {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export function area(name, { mutate, breakAt }) {
  // The first pass (in-process tests only) seeds the second; see scripts/mutation.mjs.
  const pass = process.env.OSIRIS_MUTATION_TESTS === 'in-process' ? `${name}.in-process` : name;
  return {
    testRunner: 'vitest',
    // forks, not threads: tests set the umask and spawn with signals, which worker threads cannot.
    vitest: { configFile: 'stryker/vitest.config.ts', related: false, pool: 'forks' },
    plugins: ['@stryker-mutator/vitest-runner'],
    mutate,
    coverageAnalysis: 'perTest',
    // Static mutants (module-level constants: zod schemas, names, limits) can only be tested by
    // reloading every module and running every test, once per mutant: half the run's time for 4 % of
    // the mutants on two cores. They are reported as Ignored; the ones that matter have named tests
    // (stryker/SURVIVING-MUTANTS.md says which).
    ignoreStatic: true,
    concurrency: Number(process.env.OSIRIS_MUTATION_CONCURRENCY ?? 2),
    buildCommand: 'node stryker/build.mjs',
    // Not needed in the sandbox: the kiosk, Electron, benchmarks, and anything built or generated.
    ignorePatterns: ['dist', 'renderer', 'electron', 'bench', 'deploy', 'test-artifacts', '.state', 'reports', 'coverage', '*.log'],
    // A mutant that makes a real network test hang is a kill by timeout; give slow loopback tests room.
    timeoutMS: 10_000,
    incremental: true,
    incrementalFile: `reports/mutation/${pass}.incremental.json`,
    reporters: ['progress', 'clear-text', 'json', 'html'],
    jsonReporter: { fileName: `reports/mutation/${pass}.json` },
    htmlReporter: { fileName: `reports/mutation/${pass}.html` },
    clearTextReporter: { allowColor: false, logTests: false, reportMutants: false },
    thresholds: { high: breakAt, low: breakAt - 5, break: pass === name ? breakAt : null },
    tempDirName: `.stryker-tmp/${pass}`,
    cleanTempDir: true,
  };
}
