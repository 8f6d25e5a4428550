/**
 * `npm run bench`: speed targets as ratios against baselines measured in the same run (never as
 * timed test assertions: this machine is noisy). Flags: --quick for a short smoke run.
 */
import { measureColdStart } from './cold-start.js';
import { ms, ratio } from './stats.js';
import { measureThroughput } from './throughput.js';

const quick = process.argv.includes('--quick');
const targets: { name: string; met: boolean }[] = [];
const line = (text: string) => process.stdout.write(`${text}\n`);

line(`Node ${process.version}, ${quick ? 'quick' : 'full'} run`);
line('');
const cold = await measureColdStart(quick ? 8 : 40, quick ? 3 : 10);
const checkRatio = cold.checkProvisionedMs / cold.baselineMs;
line('Cold start (median wall time of whole processes)');
line(`  node -e 0                          ${ms(cold.baselineMs)}   (baseline)`);
line(`  osiris-provision --check (valid)   ${ms(cold.checkProvisionedMs)}   ${ratio(cold.checkProvisionedMs, cold.baselineMs)}   target ≤ 1.15×`);
line(`  osiris-provision --check (missing) ${ms(cold.checkMissingMs)}   ${ratio(cold.checkMissingMs, cold.baselineMs)}`);
line(`  osiris-provision --provision       ${ms(cold.provisionMs)}   ${ratio(cold.provisionMs, cold.provisionBaselineMs)}   (full flow against the mock on loopback; baseline ${ms(cold.provisionBaselineMs)})`);
targets.push({ name: '--check cold start ≤ 1.15× node -e 0', met: checkRatio <= 1.15 });

line('');
const load = await measureThroughput(quick ? 1_000 : 5_000, quick ? 20_000 : 60_000);
const validateRatio = load.validateRps / load.bareGetRps;
const claimRatio = load.claimRps / load.barePostRps;
line('Mock server, 50 concurrent connections (requests per second)');
line(`  bare Koa handler, GET   ${load.bareGetRps.toFixed(0)}   (baseline)`);
line(`  validate                ${load.validateRps.toFixed(0)}   ${ratio(load.validateRps, load.bareGetRps)}   target ≥ 0.6×`);
line(`  bare Koa handler, POST  ${load.barePostRps.toFixed(0)}   (baseline)`);
line(`  claim                   ${load.claimRps.toFixed(0)}   ${ratio(load.claimRps, load.barePostRps)}   target ≥ 0.6×   (${load.claimsServed} codes claimed)`);
line(`  claim race: ${load.raceRequests} concurrent claims over 100 codes → ${load.raceWinners} successes (must be exactly 100)`);
targets.push({ name: 'validate ≥ 0.6× bare Koa', met: validateRatio >= 0.6 });
targets.push({ name: 'claim ≥ 0.6× bare Koa', met: claimRatio >= 0.6 });
targets.push({ name: 'claim race: exactly 100 winners', met: load.raceWinners === 100 });

line('');
for (const target of targets) line(`${target.met ? 'MET   ' : 'MISSED'} ${target.name}`);
