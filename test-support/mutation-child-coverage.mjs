// Loaded with `--import` into the child processes of `npm run test:mutation`'s dry run (see
// mutation-bridge.ts): writes what the child covered of the instrumented engine when it exits.
// A child that kills itself (crash-child.mjs) calls the flush first: SIGKILL runs no exit handler.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.env.OSIRIS_MUTATION_COVERAGE_DIR;
let flushed = false;
function flush() {
  const coverage = globalThis.__stryker__?.mutantCoverage;
  if (flushed || dir === undefined || coverage === undefined) return;
  flushed = true;
  writeFileSync(join(dir, `${process.pid}.json`), JSON.stringify(coverage));
}
globalThis.__osirisFlushMutationCoverage = flush;
process.on('exit', flush);
