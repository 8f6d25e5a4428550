/**
 * `npm run bench`: speed and size targets as ratios against baselines measured in the same run
 * (never as timed test assertions: this machine is noisy). Flags: --quick for a short smoke run.
 */
import { measureColdStart } from './cold-start.js';
import { measureKiosk, type Size } from './kiosk.js';
import { measureRoundTrips } from './round-trips.js';
import { ms, ratio } from './stats.js';
import { measureThroughput } from './throughput.js';

const quick = process.argv.includes('--quick');
const RTT_MS = 100;
const targets: { name: string; met: boolean }[] = [];
const line = (text: string) => process.stdout.write(`${text}\n`);
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const sized = (s: Size) => `${kb(s.raw)} raw, ${kb(s.gzip)} gzip`;

line(`${new Date().toISOString().slice(0, 10)}: Node ${process.version}, ${quick ? 'quick' : 'full'} run`);
line('');
const cold = await measureColdStart(quick ? 8 : 40, quick ? 3 : 10);
line('Cold start (median wall time of whole processes, interleaved)');
line(`  node -e 0                          ${ms(cold.baselineMs)}   (baseline)`);
line(`  osiris-provision --check (valid)   ${ms(cold.checkProvisionedMs)}   ${ratio(cold.checkProvisionedMs, cold.baselineMs)}   target ≤ 1.15×`);
line(`  osiris-provision --check (missing) ${ms(cold.checkMissingMs)}   ${ratio(cold.checkMissingMs, cold.baselineMs)}`);
line(`  osiris-provision --provision       ${ms(cold.provisionMs)}   ${ratio(cold.provisionMs, cold.provisionBaselineMs)} node -e 0 (${ms(cold.provisionBaselineMs)}), target ≤ 3×; ${ratio(cold.provisionMs, cold.referenceMs)} the reference, target ≤ 1×`);
line(`    of which after the result line   ${ms(cold.provisionAfterResultMs)}   (exiting: V8 background work, handles)`);
line(`  reference Python client            ${ms(cold.referenceMs)}   ${ratio(cold.referenceMs, cold.provisionBaselineMs)} node -e 0   (claims and writes the config; no journal, no status, no fsync)`);
targets.push({ name: '--check cold start ≤ 1.15× node -e 0', met: cold.checkProvisionedMs / cold.baselineMs <= 1.15 });
targets.push({ name: '--provision ≤ 3× node -e 0', met: cold.provisionMs / cold.provisionBaselineMs <= 3 });
targets.push({ name: '--provision ≤ the reference Python client', met: cold.provisionMs <= cold.referenceMs });

line('');
const trips = await measureRoundTrips(RTT_MS, quick ? 2 : 5);
const tripLine = (t: { counted: number; timed: number; connections: number }) => `${t.counted} round trips counted (${t.timed.toFixed(1)} timed), ${t.connections} new connection(s)`;
line(`Round trips on a ${RTT_MS} ms link (delay-injecting TCP proxy: counted from the traffic; timed = (slow − instant) / RTT)`);
line(`  osiris-provision --provision   ${tripLine(trips.cli)}   target ≤ 4 on one connection`);
line(`  kiosk, Confirm → Success       ${tripLine(trips.kiosk)}   target ≤ 3 on the warmed connection`);
line(`  reference Python client        ${tripLine(trips.reference)}   (it only claims)`);
targets.push({ name: 'CLI ≤ 4 round trips on one connection', met: trips.cli.counted <= 4 && trips.cli.connections === 1 });
targets.push({ name: 'kiosk Confirm → Success ≤ 3 round trips on the warm connection', met: trips.kiosk.counted <= 3 && trips.kiosk.connections === 0 });

line('');
const load = await measureThroughput(quick ? 1_000 : 3_000);
line(`Mock server, 50 concurrent connections (requests per second; server and load generator ${load.pinned ? 'pinned to separate CPUs' : 'NOT pinned (taskset or a second CPU missing)'})`);
line(`  bare Koa handler, GET    ${load.bareGetRps.toFixed(0)}   (baseline: no body, no router)`);
line(`  validate                 ${load.validateRps.toFixed(0)}   ${ratio(load.validateRps, load.bareGetRps)}   target ≥ 0.6×`);
line(`  bare Koa handler, POST   ${load.barePostRps.toFixed(0)}   (baseline: reads no body)`);
line(`  fair baseline, POST      ${load.fairPostRps.toFixed(0)}   (Koa + the same body reader + a Map lookup + a claim-sized answer)`);
line(`  claim                    ${load.claimRps.toFixed(0)}   ${ratio(load.claimRps, load.fairPostRps)} fair, ${ratio(load.claimRps, load.barePostRps)} bare   target ≥ 0.75× fair   (${load.claimsServed} codes claimed${load.exhaustedRounds > 0 ? `; ${load.exhaustedRounds} round(s) ran out of codes, counted over the time they ran` : ''})`);
line(`  claim race: ${load.raceRequests} concurrent claims over 100 codes → ${load.raceWinners} successes (must be exactly 100)`);
targets.push({ name: 'validate ≥ 0.6× bare Koa', met: load.validateRps / load.bareGetRps >= 0.6 });
targets.push({ name: 'claim ≥ 0.75× the fair baseline', met: load.claimRps / load.fairPostRps >= 0.75 });
targets.push({ name: 'claim race: exactly 100 winners', met: load.raceWinners === 100 });

line('');
const kiosk = await measureKiosk(quick ? 2 : 5);
line('Kiosk wizard (built renderer, headless Chromium)');
line(`  initial JS                ${sized(kiosk.initialJs)}   budget 60 KB gzip   (CSS ${sized(kiosk.css)}; decoder wasm ${sized(kiosk.wasm)}, loaded only when scanning; Electron reads raw bytes from the asar)`);
line(`  interactive, cold         ${ms(kiosk.interactiveMs)}   budget 1000 ms   (a trivial document, cold too: ${ms(kiosk.blankPageMs)}, ${ratio(kiosk.interactiveMs, kiosk.blankPageMs)})`);
line(`  worker, frame with a code ${ms(kiosk.worker.hitMs)} capture to result   budget 10 ms`);
line(`  worker, empty frame       ${ms(kiosk.worker.emptyMs)} capture to result (in the worker ${ms(kiosk.worker.emptyDecodeMs)})   budget 10 ms`);
line(`  main thread per frame     ${ms(kiosk.worker.mainThreadMs)}   (taking the camera's picture and posting it; the rest runs in the worker)`);
line(`  Scan tapped → confirm     ${ms(kiosk.scanToConfirmMs)}   (camera start, wasm load, decode, validate over loopback)`);
targets.push({ name: 'initial JS ≤ 60 KB gzip', met: kiosk.initialJs.gzip <= 60 * 1024 });
targets.push({ name: 'wizard interactive ≤ 1 s', met: kiosk.interactiveMs <= 1000 });
targets.push({ name: 'worker, frame with a code ≤ 10 ms', met: kiosk.worker.hitMs <= 10 });
targets.push({ name: 'worker, empty frame ≤ 10 ms', met: kiosk.worker.emptyMs <= 10 });

line('');
for (const target of targets) line(`${target.met ? 'MET   ' : 'MISSED'} ${target.name}`);
