// Stryker's buildCommand: builds, in the sandbox, what the tests' child processes run (the engine for
// crash-child.mjs, the mock's CLI, and the `osiris-provision` bundle) from the instrumented sources,
// and the dashboard's page.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const steps = [
  [require.resolve('typescript/bin/tsc'), '-p', 'stryker/tsconfig.build.json'],
  [join(dirname(require.resolve('rolldown/package.json')), 'bin/cli.mjs'), '-c', 'stryker/rolldown.cli.config.mjs'],
  // The partner dashboard's page: its tests drive the mock's store through it.
  [join(dirname(require.resolve('vite/package.json')), 'bin/vite.js'), 'build', '--logLevel', 'warn', '-c', 'mock-server/dashboard/vite.config.ts'],
];
for (const step of steps) {
  const run = spawnSync(process.execPath, step, { stdio: 'inherit' });
  if (run.status !== 0) process.exit(run.status ?? 1);
}
