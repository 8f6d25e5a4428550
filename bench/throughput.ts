import { fileURLToPath } from 'node:url';
import { Agent, request } from 'undici';
import { pinning, runLoad, startChildServer } from './load.js';
import { median } from './stats.js';

const MOCK = fileURLToPath(new URL('./servers/mock.js', import.meta.url));
const BARE = fileURLToPath(new URL('./servers/bare-koa.js', import.meta.url));
const FAIR = fileURLToPath(new URL('./servers/fair-koa.js', import.meta.url));
const MAC = '84:3A:5B:91:B6:61';
const CONNECTIONS = 50;
const ROUNDS = 3;
/** Codes seeded per claim round: the warm-up's measured rate × the round's length, times this margin. */
const CODE_MARGIN = 2;

export interface ThroughputResult {
  readonly pinned: boolean;
  readonly bareGetRps: number;
  readonly barePostRps: number;
  readonly fairPostRps: number;
  readonly validateRps: number;
  readonly claimRps: number;
  readonly claimsServed: number;
  /** Claim rounds that ran out of codes before their time was up (their figure is still counted, over the time they ran). */
  readonly exhaustedRounds: number;
  readonly raceWinners: number;
  readonly raceRequests: number;
}

const code = (prefix: string, i: number) => `${prefix}${String(i).padStart(16 - prefix.length, '0')}`;
const claimBody = (prefix: string) => (i: number) => JSON.stringify({ provision_code: code(prefix, i), mac_address: MAC, hostname: 'bench' });

/**
 * Validate and claim requests per second at 50 connections, beside two baselines measured in the
 * same run: a bare Koa handler (reads nothing) and a fair one (the same body reader, a Map lookup, a
 * claim-sized answer). Server and load generator on separate CPUs where possible. Then a claim race.
 */
export async function measureThroughput(durationMs: number): Promise<ThroughputResult> {
  const pin = pinning();
  const bare = await startChildServer(BARE, [], pin.server);
  const fair = await startChildServer(FAIR, [], pin.server);
  // A first mock, for the warm-up that measures how many codes a round needs.
  const probe = await startChildServer(MOCK, ['W', '200000'], pin.server);
  let mock: Awaited<ReturnType<typeof startChildServer>> | undefined;
  try {
    const warm = await runLoad(probe.url, CONNECTIONS, Math.min(1_000, durationMs), (i) => ({ method: 'POST', path: '/api/provision/claim', body: claimBody('W')(i) }));
    const perRound = Math.ceil(((warm.rps * durationMs) / 1000) * CODE_MARGIN) + 1000;
    probe.child.kill();
    const prefixes = Array.from({ length: ROUNDS }, (_, r) => `L${r}`);
    mock = await startChildServer(MOCK, [...prefixes.flatMap((p) => [p, String(perRound)]), 'R', '100'], pin.server);
    const mockUrl = mock.url;

    const samples = { bareGet: [] as number[], validate: [] as number[], barePost: [] as number[], fairPost: [] as number[], claim: [] as number[] };
    let claimsServed = 0;
    let exhaustedRounds = 0;
    const validatePath = '/api/provision/validate/ABCD1234EFGH5678';
    // The contenders take turns, round after round, after an unmeasured warm-up each: medians of rounds.
    for (const target of [bare.url, fair.url, mockUrl]) await runLoad(target, CONNECTIONS, Math.min(500, durationMs), () => ({ method: 'GET', path: validatePath }));
    for (let round = 0; round < ROUNDS; round += 1) {
      samples.bareGet.push((await runLoad(bare.url, CONNECTIONS, durationMs, () => ({ method: 'GET', path: validatePath }))).rps);
      samples.validate.push((await runLoad(mockUrl, CONNECTIONS, durationMs, () => ({ method: 'GET', path: validatePath }))).rps);
      samples.barePost.push((await runLoad(bare.url, CONNECTIONS, durationMs, (i) => ({ method: 'POST', path: '/api/provision/claim', body: claimBody('X')(i) }))).rps);
      samples.fairPost.push((await runLoad(fair.url, CONNECTIONS, durationMs, (i) => ({ method: 'POST', path: '/api/provision/claim', body: claimBody('X')(i) }))).rps);
      const prefix = prefixes[round] ?? 'L';
      const claim = await runLoad(mockUrl, CONNECTIONS, durationMs, (i) => (i < perRound ? { method: 'POST', path: '/api/provision/claim', body: claimBody(prefix)(i) } : undefined));
      // Never a lost round: only successful claims count, over the time the round actually ran.
      if ((claim.statuses[200] ?? 0) < claim.requests) exhaustedRounds += 1;
      samples.claim.push(((claim.statuses[200] ?? 0) / claim.requests) * claim.rps);
      claimsServed += claim.statuses[200] ?? 0;
    }

    // 1,000 concurrent claims, ten for each of 100 codes: exactly one may win per code.
    const agent = new Agent({ connections: 1000 });
    const attempts = Array.from({ length: 1000 }, (_, i) =>
      request(`${mockUrl}/api/provision/claim`, {
        method: 'POST',
        dispatcher: agent,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ provision_code: code('R', i % 100), mac_address: `02:00:00:00:${(i >> 8).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}`.toUpperCase() }),
      }).then(async (r) => {
        await r.body.dump();
        return r.statusCode;
      }),
    );
    const statuses = await Promise.all(attempts);
    await agent.close();

    return {
      pinned: pin.pinned,
      bareGetRps: median(samples.bareGet),
      barePostRps: median(samples.barePost),
      fairPostRps: median(samples.fairPost),
      validateRps: median(samples.validate),
      claimRps: median(samples.claim),
      claimsServed,
      exhaustedRounds,
      raceWinners: statuses.filter((s) => s === 200).length,
      raceRequests: statuses.length,
    };
  } finally {
    bare.child.kill();
    fair.child.kill();
    probe.child.kill();
    mock?.child.kill();
  }
}
