#!/usr/bin/env node
// `npm run test:mutation [-- AREA… --in-process-only --report-only --force]`: StrykerJS over each
// area (stryker/<area>.config.mjs), then one table of scores per file and per area, and every
// mutant left alive, from Stryker's JSON reports (reports/mutation/). Not part of `npm test`.
//
// Two passes per area, both incremental:
// 1. the tests that run in Vitest's own process: every mutant, quickly;
// 2. all tests, the CLI, crash and durability tests included (they run the sandbox's build of the
//    mutated sources in child processes). Seeded with pass 1's results, so these slow tests run
//    only against the mutants pass 1 left alive. Its scores are the ones that count.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';

const AREAS = ['core', 'parsers-http', 'mock-store'];
const FLAGS = ['--in-process-only', '--report-only'];
const args = process.argv.slice(2);
const chosen = args.filter((a) => AREAS.includes(a));
const passThrough = args.filter((a) => !AREAS.includes(a) && !FLAGS.includes(a));
const areas = chosen.length > 0 ? chosen : AREAS;
const reports = 'reports/mutation';

function stryker(name, tests) {
  const started = Date.now();
  const run = spawnSync(process.execPath, ['node_modules/@stryker-mutator/core/bin/stryker.js', 'run', `stryker/${name}.config.mjs`, ...passThrough], {
    stdio: 'inherit',
    env: { ...process.env, OSIRIS_MUTATION_TESTS: tests },
  });
  process.stdout.write(`mutation: ${name} (${tests} tests) took ${Math.round((Date.now() - started) / 1000)} s, exit ${run.status}\n`);
  return run.status === 0;
}

let failed = false;
if (!args.includes('--report-only')) {
  for (const name of areas) {
    if (!stryker(name, 'in-process')) failed = true;
    if (args.includes('--in-process-only')) continue;
    const seed = `${reports}/${name}.incremental.json`;
    if (!existsSync(seed) || args.includes('--force')) copyFileSync(`${reports}/${name}.in-process.incremental.json`, seed);
    if (!stryker(name, 'all')) failed = true;
  }
}

const DETECTED = new Set(['Killed', 'Timeout']);
const UNDETECTED = new Set(['Survived', 'NoCoverage']);
const pct = (s) => (s.detected + s.undetected === 0 ? 'n/a' : `${((100 * s.detected) / (s.detected + s.undetected)).toFixed(1)} %`);
const empty = () => ({ detected: 0, undetected: 0, Killed: 0, Survived: 0, NoCoverage: 0, Timeout: 0 });

function tally(path) {
  if (!existsSync(path)) return undefined;
  const files = new Map();
  for (const [file, { mutants }] of Object.entries(JSON.parse(readFileSync(path, 'utf8')).files)) {
    const s = empty();
    const alive = [];
    for (const m of mutants) {
      if (DETECTED.has(m.status)) s.detected += 1;
      if (UNDETECTED.has(m.status)) {
        s.undetected += 1;
        alive.push(`${relative(process.cwd(), file)}:${m.location.start.line}:${m.location.start.column + 1} ${m.status} ${m.mutatorName}: ${JSON.stringify(m.replacement ?? '')}`);
      }
      if (m.status in s) s[m.status] += 1;
    }
    files.set(relative(process.cwd(), file), { s, alive });
  }
  return files;
}

const lines = ['| Area | File | In-process tests | All tests | Killed | Timeout | Survived | No coverage |', '|---|---|---|---|---|---|---|---|'];
const alive = [];
for (const name of AREAS) {
  const first = tally(`${reports}/${name}.in-process.json`);
  const all = tally(`${reports}/${name}.json`);
  const final = all ?? first;
  if (final === undefined) continue;
  const totals = { first: empty(), all: empty() };
  for (const [file, { s, alive: left }] of [...final].sort(([a], [b]) => a.localeCompare(b))) {
    const before = first?.get(file)?.s;
    const after = all?.get(file)?.s;
    for (const k of Object.keys(s)) {
      if (before) totals.first[k] += before[k];
      if (after) totals.all[k] += after[k];
    }
    lines.push(`| ${name} | ${file} | ${before ? pct(before) : '–'} | ${after ? pct(after) : '–'} | ${s.Killed} | ${s.Timeout} | ${s.Survived} | ${s.NoCoverage} |`);
    alive.push(...left);
  }
  const t = all ? totals.all : totals.first;
  lines.push(`| **${name}** | **all files** | **${first ? pct(totals.first) : '–'}** | **${all ? pct(totals.all) : '–'}** | ${t.Killed} | ${t.Timeout} | ${t.Survived} | ${t.NoCoverage} |`);
}
writeFileSync(`${reports}/summary.md`, `${lines.join('\n')}\n`);
writeFileSync(`${reports}/alive.txt`, `${alive.join('\n')}\n`);
process.stdout.write(`${lines.join('\n')}\nmutation: ${alive.length} mutant(s) alive, listed in ${reports}/alive.txt\n`);
process.exitCode = failed ? 1 : 0;
