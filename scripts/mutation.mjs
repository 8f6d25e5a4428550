#!/usr/bin/env node
// `npm run test:mutation [-- AREA… --force --concurrency N]`: StrykerJS over each area in turn
// (stryker/<area>.config.mjs), then one table of scores per file and per area, and every mutant
// left alive, from Stryker's JSON reports (reports/mutation/).
// Not part of `npm test`: it takes many minutes. Incremental: a rerun tests only what changed.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';

const AREAS = ['core', 'parsers-http', 'mock-store'];
const args = process.argv.slice(2);
const chosen = args.filter((a) => AREAS.includes(a));
const passThrough = args.filter((a) => !AREAS.includes(a));
const only = args.includes('--report-only');
const areas = chosen.length > 0 ? chosen : AREAS;

let failed = false;
if (!only) {
  for (const name of areas) {
    const started = Date.now();
    const run = spawnSync(process.execPath, ['node_modules/@stryker-mutator/core/bin/stryker.js', 'run', `stryker/${name}.config.mjs`, ...passThrough], { stdio: 'inherit' });
    console.log(`mutation: ${name} took ${Math.round((Date.now() - started) / 1000)} s (exit ${run.status})`);
    if (run.status !== 0) failed = true;
  }
}

const DETECTED = new Set(['Killed', 'Timeout']);
const UNDETECTED = new Set(['Survived', 'NoCoverage']);
const score = (s) => (s.detected + s.undetected === 0 ? 'n/a' : `${((100 * s.detected) / (s.detected + s.undetected)).toFixed(1)} %`);
const lines = ['| Area | File | Score | Killed | Survived | No coverage | Timeout |', '|---|---|---|---|---|---|---|'];
const alive = [];
for (const name of AREAS) {
  const path = `reports/mutation/${name}.json`;
  if (!existsSync(path)) continue;
  const report = JSON.parse(readFileSync(path, 'utf8'));
  const total = { detected: 0, undetected: 0, killed: 0, survived: 0, nocov: 0, timeout: 0 };
  for (const [file, { mutants }] of Object.entries(report.files).sort()) {
    const s = { detected: 0, undetected: 0, killed: 0, survived: 0, nocov: 0, timeout: 0 };
    for (const m of mutants) {
      if (DETECTED.has(m.status)) s.detected += 1;
      if (UNDETECTED.has(m.status)) {
        s.undetected += 1;
        alive.push(`${relative(process.cwd(), file)}:${m.location.start.line}:${m.location.start.column} ${m.status} ${m.mutatorName}: ${JSON.stringify(m.replacement ?? '')}`);
      }
      if (m.status === 'Killed') s.killed += 1;
      if (m.status === 'Survived') s.survived += 1;
      if (m.status === 'NoCoverage') s.nocov += 1;
      if (m.status === 'Timeout') s.timeout += 1;
    }
    for (const k of Object.keys(total)) total[k] += s[k];
    lines.push(`| ${name} | ${relative(process.cwd(), file)} | ${score(s)} | ${s.killed} | ${s.survived} | ${s.nocov} | ${s.timeout} |`);
  }
  lines.push(`| **${name}** | **all** | **${score(total)}** | ${total.killed} | ${total.survived} | ${total.nocov} | ${total.timeout} |`);
}
writeFileSync('reports/mutation/summary.md', `${lines.join('\n')}\n`);
writeFileSync('reports/mutation/alive.txt', `${alive.join('\n')}\n`);
console.log(lines.join('\n'));
console.log(`mutation: ${alive.length} mutant(s) alive, listed in reports/mutation/alive.txt`);
process.exitCode = failed ? 1 : 0;
