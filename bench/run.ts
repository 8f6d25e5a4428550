/**
 * `npm run bench`: speed targets as ratios against baselines measured in the same run (never as
 * timed test assertions: this machine is noisy). Flags: --quick for a short smoke run.
 */
import { measureColdStart } from './cold-start.js';
import { measureKiosk } from './kiosk.js';
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
const load = await measureThroughput(quick ? 1_000 : 3_000, quick ? 30_000 : 90_000);
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
const kiosk = await measureKiosk(quick ? 2 : 5);
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
line('Kiosk wizard (built renderer, headless Chromium)');
line(`  initial JS, gzip          ${kb(kiosk.initialJsGzipBytes)}   budget 60 KB   (CSS ${kb(kiosk.cssGzipBytes)}; decoder wasm ${kb(kiosk.wasmGzipBytes)} gzip, loaded only when scanning)`);
line(`  interactive after         ${ms(kiosk.interactiveMs)}   budget 1000 ms   (a trivial document from the same server: ${ms(kiosk.blankPageMs)}, ${ratio(kiosk.interactiveMs, kiosk.blankPageMs)})`);
line(`  worker decode, 640 wide   ${ms(kiosk.workerDecodeMedianMs)} median per frame   budget 10 ms`);
line(`  Scan tapped → confirm     ${ms(kiosk.scanToConfirmMs)}   (camera start, wasm load, decode, validate over loopback)`);
targets.push({ name: 'initial JS ≤ 60 KB gzip', met: kiosk.initialJsGzipBytes <= 60 * 1024 });
targets.push({ name: 'wizard interactive ≤ 1 s', met: kiosk.interactiveMs <= 1000 });
targets.push({ name: 'worker decode ≤ 10 ms median', met: kiosk.workerDecodeMedianMs <= 10 });

line('');
for (const target of targets) line(`${target.met ? 'MET   ' : 'MISSED'} ${target.name}`);
