import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { ProvisioningService } from '../agent-core/src/service.js';
import { defaultFixture } from '../mock-server/src/fixtures.js';
import { startServer } from '../mock-server/src/server.js';
import { startDelayProxy } from './delay-proxy.js';
import { timeProcess } from './process-timing.js';
import { median } from './stats.js';

const CLI = fileURLToPath(new URL('../../bin/osiris-provision.cjs', import.meta.url));
const REFERENCE = fileURLToPath(new URL('../../bench/reference/provision.py', import.meta.url));
const PYTHON = process.env.OSIRIS_TEST_PYTHON ?? '/usr/bin/python3';

export interface RoundTrips {
  readonly rttMs: number;
  /** Round trips on the critical path: (time over the slow link − time over a 0 ms link) / RTT. */
  readonly cli: number;
  readonly cliConnections: number;
  readonly reference: number;
  readonly referenceConnections: number;
  /** From the Confirm tap to Success, on the connection the validate/heartbeat warmed. */
  readonly kiosk: number;
  readonly kioskConnections: number;
}

/**
 * Round trips a provisioning costs on a link with `rttMs` of latency, through a delay-injecting TCP
 * proxy: the CLI's `--provision` (a fresh connection), the reference Python client (it only claims),
 * and the kiosk from the Confirm tap (its connection warmed while the technician read the screen).
 */
export async function measureRoundTrips(rttMs: number, rounds: number): Promise<RoundTrips> {
  const dir = await mkdtemp(join(tmpdir(), 'osiris-rtt-'));
  const codes = Array.from({ length: rounds * 6 + 6 }, (_, i) => ({ code: `RTT${String(i).padStart(13, '0')}`, partner: 'nepa-it', client_name: `Rtt ${i}`, status: 'pending' as const }));
  const server = await startServer({ fixture: { ...defaultFixture(), codes }, rateLimit: false });
  let next = 0;
  const nextCode = () => codes[next++]?.code ?? '';
  const over = async (rtt: number, run: (url: string) => Promise<number>) => {
    const proxy = await startDelayProxy(new URL(server.url), rtt);
    const times: number[] = [];
    const before = proxy.connections();
    for (let i = 0; i < rounds; i += 1) times.push(await run(proxy.url));
    const connections = (proxy.connections() - before) / rounds;
    await proxy.close();
    return { time: median(times), connections };
  };
  const cli = (url: string) => timeProcess(process.execPath, [CLI, '--provision', nextCode(), '--api-endpoint', url, '--state-dir', join(dir, `cli-${next}`)], 0);
  const reference = (url: string) => timeProcess(PYTHON, [REFERENCE, nextCode(), url, join(dir, `ref-${next}`)], 0);
  const kiosk = async (url: string) => {
    const service = new ProvisioningService({ apiEndpoint: url, stateDir: join(dir, `kiosk-${next}`) });
    const code = nextCode();
    const validated = await service.validate(code);
    if (!validated.ok) throw new Error(validated.error);
    const started = performance.now();
    const result = await service.provision({ code });
    const elapsed = performance.now() - started;
    service.stop();
    if (!result.ok) throw new Error(result.error);
    return elapsed;
  };
  try {
    const measure = async (run: (url: string) => Promise<number>) => {
      const fast = await over(0, run);
      const slow = await over(rttMs, run);
      return { trips: Math.max(0, (slow.time - fast.time) / rttMs), connections: slow.connections };
    };
    const cliResult = await measure(cli);
    const referenceResult = await measure(reference);
    const kioskResult = await measure(kiosk);
    return {
      rttMs,
      cli: cliResult.trips,
      cliConnections: cliResult.connections,
      reference: referenceResult.trips,
      referenceConnections: referenceResult.connections,
      kiosk: kioskResult.trips,
      kioskConnections: kioskResult.connections,
    };
  } finally {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
}
