import { writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Agent, request } from 'undici';
import { defaultFixture } from '../mock-server/src/fixtures.js';
import { runLoad, startChildServer, type LoadRequest } from './load.js';
import { median } from './stats.js';

const MOCK = fileURLToPath(new URL('./servers/mock.js', import.meta.url));
const BARE = fileURLToPath(new URL('./servers/bare-koa.js', import.meta.url));
const MAC = '84:3A:5B:91:B6:61';
const CONNECTIONS = 50;
const ROUNDS = 3;

export interface ThroughputResult {
  readonly bareGetRps: number;
  readonly barePostRps: number;
  readonly validateRps: number;
  readonly claimRps: number;
  readonly claimsServed: number;
  readonly raceWinners: number;
  readonly raceRequests: number;
}

const code = (prefix: string, i: number) => `${prefix}${String(i).padStart(16 - prefix.length, '0')}`;

/** Validate and claim requests per second at 50 connections, against a bare Koa handler; then a claim race. */
export async function measureThroughput(durationMs: number, claimCodes: number): Promise<ThroughputResult> {
  const dir = await mkdtemp(join(tmpdir(), 'osiris-bench-'));
  const fixturePath = join(dir, 'fixture.json');
  const codes = Array.from({ length: claimCodes }, (_, i) => ({ code: code('L', i), partner: 'nepa-it', client_name: `Load ${i}` }));
  const race = Array.from({ length: 100 }, (_, i) => ({ code: code('R', i), partner: 'nepa-it', client_name: `Race ${i}` }));
  await writeFile(fixturePath, JSON.stringify({ ...defaultFixture(), codes: [...codes, ...race, { code: 'ABCD1234EFGH5678', partner: 'nepa-it', client_name: 'Clinic ABC' }] }));

  const bare = await startChildServer(BARE);
  const mock = await startChildServer(MOCK, [fixturePath]);
  try {
    // Each measurement follows an unmeasured warm-up of the same load, and the bare handler and the
    // mock take turns, round after round: medians of rounds, so drift hits both alike.
    const counters = new Map<string, number>();
    const measure = async (key: string, url: string, next: (i: number) => LoadRequest | undefined, warm: boolean) => {
      const counted = () => {
        const i = counters.get(key) ?? 0;
        counters.set(key, i + 1);
        return next(i);
      };
      if (warm) await runLoad(url, CONNECTIONS, Math.min(1_000, durationMs), counted);
      return runLoad(url, CONNECTIONS, durationMs, counted);
    };
    const validatePath = '/api/provision/validate/ABCD1234EFGH5678';
    const claimBody = (i: number) => JSON.stringify({ provision_code: code('L', i), mac_address: MAC, hostname: 'bench' });
    const samples = { bareGet: [] as number[], validate: [] as number[], barePost: [] as number[], claim: [] as number[] };
    let claimsServed = 0;
    for (let round = 0; round < ROUNDS; round += 1) {
      const warm = round === 0;
      samples.bareGet.push((await measure('bare-get', bare.url, () => ({ method: 'GET', path: validatePath }), warm)).rps);
      samples.validate.push((await measure('validate', mock.url, () => ({ method: 'GET', path: validatePath }), warm)).rps);
      samples.barePost.push((await measure('bare-post', bare.url, (i) => ({ method: 'POST', path: '/api/provision/claim', body: claimBody(i) }), warm)).rps);
      const claim = await measure('claim', mock.url, (i) => (i < claimCodes ? { method: 'POST', path: '/api/provision/claim', body: claimBody(i) } : undefined), warm);
      if (claim.statuses[200] !== claim.requests) throw new Error(`claims failed: ${JSON.stringify(claim.statuses)}`);
      samples.claim.push(claim.rps);
      claimsServed += claim.requests;
    }

    // 1,000 concurrent claims, ten for each of 100 codes: exactly one may win per code.
    const agent = new Agent({ connections: 1000 });
    const attempts = Array.from({ length: 1000 }, (_, i) =>
      request(`${mock.url}/api/provision/claim`, {
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
      bareGetRps: median(samples.bareGet),
      barePostRps: median(samples.barePost),
      validateRps: median(samples.validate),
      claimRps: median(samples.claim),
      claimsServed,
      raceWinners: statuses.filter((s) => s === 200).length,
      raceRequests: statuses.length,
    };
  } finally {
    bare.child.kill();
    mock.child.kill();
    await rm(dir, { recursive: true, force: true });
  }
}
