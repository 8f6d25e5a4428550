#!/usr/bin/env node
// `npm run test:mutation:named`: each mutant of stryker/named-mutants.mjs applied to the source in
// turn, its tests run, the source put back. Every test must pass on the real source first (a test
// that fails anyway kills nothing), and fail on its mutant. Leaves the tree as it found it, even
// when interrupted. Takes a couple of minutes; not part of `npm test`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { NAMED_MUTANTS } from '../stryker/named-mutants.mjs';

const only = process.argv.slice(2);
const mutants = only.length === 0 ? NAMED_MUTANTS : NAMED_MUTANTS.filter((m) => only.includes(m.id));
const originals = new Map();

function restore() {
  for (const [file, text] of originals) writeFileSync(file, text);
  originals.clear();
}
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    const files = [...originals.keys()];
    restore();
    buildCli();
    for (const file of files) buildDistFile(file);
    process.exit(130);
  });
}

function buildCli() {
  const run = spawnSync(process.execPath, ['node_modules/rolldown/bin/cli.mjs', '-c', 'stryker/rolldown.cli.config.mjs'], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`CLI build failed:\n${run.stdout}${run.stderr}`);
}

/** The build's compiler options (tsconfig.build.json), to put one changed file's JavaScript in dist/ as `npm run build` would. */
const buildOptions = (() => {
  const config = ts.getParsedCommandLineOfConfigFile('tsconfig.build.json', {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n')); } });
  if (config === undefined) throw new Error('cannot read tsconfig.build.json');
  return config.options;
})();

/**
 * The tests that run dist/ itself (the crash child imports dist/agent-core/src/flow/flow.js) see a
 * mutant only once its file is compiled there too: this file alone, as tsc would emit it.
 */
function buildDistFile(file) {
  // The package is ESM: transpileModule cannot look that up, so say it (NodeNext would emit CommonJS here).
  const { outputText } = ts.transpileModule(readFileSync(file, 'utf8'), { compilerOptions: { ...buildOptions, module: ts.ModuleKind.ESNext }, fileName: file });
  writeFileSync(join('dist', file.replace(/\.ts$/, '.js')), outputText);
}

/** Runs one test file's tests whose names contain `name`; true when they ran and all passed. */
function passes(test, name) {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const dir = mkdtempSync(join(tmpdir(), 'osiris-named-mutant-'));
  try {
    const output = join(dir, 'report.json');
    const run = spawnSync(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', test, '-t', escaped, '--reporter=json', `--outputFile=${output}`], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    let report;
    try {
      report = JSON.parse(readFileSync(output, 'utf8'));
    } catch {
      throw new Error(`vitest wrote no report for ${test}:\n${run.stdout}${run.stderr}`);
    }
    if (report.numPassedTests + report.numFailedTests === 0) throw new Error(`no test of ${test} is named like "${name}"`);
    return run.status === 0 && report.numFailedTests === 0;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function mutate(mutant) {
  const text = readFileSync(mutant.file, 'utf8');
  let mutated = text;
  for (const [from, to] of mutant.edits) {
    const count = mutated.split(from).length - 1;
    if (count !== 1) throw new Error(`mutant ${mutant.id}: the text to mutate occurs ${count} times in ${mutant.file} (the source moved on: update stryker/named-mutants.mjs)`);
    mutated = mutated.replace(from, () => to);
  }
  if (!originals.has(mutant.file)) originals.set(mutant.file, text);
  writeFileSync(mutant.file, mutated);
}

const rows = [];
let failures = 0;
try {
  if (mutants.some((m) => m.cli)) buildCli();
  for (const mutant of mutants) {
    if (!passes(mutant.test, mutant.name)) {
      rows.push([mutant.id, 'TEST FAILS ON THE REAL SOURCE', mutant.test, mutant.name]);
      failures += 1;
      continue;
    }
    mutate(mutant);
    try {
      if (mutant.cli) {
        buildCli();
        buildDistFile(mutant.file);
      }
      const killed = !passes(mutant.test, mutant.name);
      if (!killed) failures += 1;
      rows.push([mutant.id, killed ? 'killed' : 'SURVIVED', mutant.test, mutant.name]);
    } finally {
      restore();
      if (mutant.cli) {
        buildCli();
        buildDistFile(mutant.file);
      }
    }
    process.stdout.write(`mutant ${mutant.id} (${mutant.what}): ${rows.at(-1)?.[1]}\n`);
  }
} finally {
  restore();
}

process.stdout.write(`\n| Mutant | Result | Test file | Test |\n|---|---|---|---|\n${rows.map((r) => `| ${r.join(' | ')} |`).join('\n')}\n`);
process.stdout.write(`\n${mutants.length - failures}/${mutants.length} named mutants killed by their tests\n`);
process.exit(failures === 0 ? 0 : 1);
