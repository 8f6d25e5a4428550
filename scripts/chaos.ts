import { parseArgs } from 'node:util';
import { chaosRun, type ChaosOutcome } from '../test-support/chaos.js';

/**
 * `npm run chaos -- [--runs N] [--from SEED]`: provisions N appliances under random backend faults
 * (dropped connections, 5xx, slow answers, answers lost after the claim, today's backend defects) and
 * random power cuts at every step and write phase, each followed by reruns with the same code. Prints
 * how each ended; exits 1 if any claim was lost silently, any config left partial or any file stray.
 */
const { values } = parseArgs({ options: { runs: { type: 'string', default: '300' }, from: { type: 'string', default: '1' } } });
const runs = Number(values.runs);
const from = Number(values.from);
const counts = new Map<string, number>();
const bad: string[] = [];
const started = Date.now();
for (let seed = from; seed < from + runs; seed += 1) {
  const outcome: ChaosOutcome = await chaosRun(seed);
  const key = typeof outcome === 'string' ? outcome : 'BAD';
  counts.set(key, (counts.get(key) ?? 0) + 1);
  if (typeof outcome !== 'string') bad.push(`seed ${seed}: ${outcome.bad}`);
}
process.stdout.write(`${JSON.stringify({ runs, seconds: Math.round((Date.now() - started) / 1000), outcomes: Object.fromEntries(counts) })}\n`);
for (const line of bad) process.stdout.write(`${line}\n`);
process.exitCode = bad.length === 0 ? 0 : 1;
