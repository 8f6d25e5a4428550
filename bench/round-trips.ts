import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { ProvisioningService } from '../agent-core/src/service.js';
import { defaultFixture } from '../mock-server/src/fixtures.js';
import { startServer } from '../mock-server/src/server.js';
import { startDelayProxy, type DelayProxy } from '../test-support/delay-proxy.js';

interface Timed {
  readonly ms: number;
  readonly trips: number;
  readonly connections: number;
}
import { timeProcess } from './process-timing.js';
import { median } from './stats.js';

const CLI = fileURLToPath(new URL('../../bin/osiris-provision.cjs', import.meta.url));
const REFERENCE = fileURLToPath(new URL('../../bench/reference/provision.py', import.meta.url));
const PYTHON = process.env.OSIRIS_TEST_PYTHON ?? '/usr/bin/python3';

export interface Trips {
  /** Counted from the traffic through the proxy (see DelayProxy.roundTrips): exact, whatever the load. */
  readonly counted: number;
  /** Estimated from time: (time over the slow link − time over an instant one) / RTT. Noisy on a busy machine. */
  readonly timed: number;
  readonly connections: number;
}

export interface RoundTrips {
  readonly rttMs: number;
  readonly cli: Trips;
  readonly reference: Trips;
  /** From the Confirm tap to Success, on the connection the validate/heartbeat warmed. */
  readonly kiosk: Trips;
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
  const over = async (rtt: number, run: (url: string, proxy: DelayProxy) => Promise<Timed>) => {
    const proxy = await startDelayProxy(new URL(server.url), rtt);
    const times: number[] = [];
    const counted: number[] = [];
    const connections: number[] = [];
    for (let i = 0; i < rounds; i += 1) {
      const timed = await run(proxy.url, proxy);
      times.push(timed.ms);
      counted.push(timed.trips);
      connections.push(timed.connections);
    }
    await proxy.close();
    return { time: median(times), counted: median(counted), connections: median(connections) };
  };
  /** Runs `work` and reports its time and the proxy's round trips and connections during it. */
  const watched = async (proxy: DelayProxy, work: () => Promise<number>): Promise<Timed> => {
    const trips = proxy.roundTrips();
    const connections = proxy.connections();
    const ms = await work();
    return { ms, trips: proxy.roundTrips() - trips, connections: proxy.connections() - connections };
  };
  const cli = (url: string, proxy: DelayProxy) => watched(proxy, () => timeProcess(process.execPath, [CLI, '--provision', nextCode(), '--api-endpoint', url, '--state-dir', join(dir, `cli-${next}`)], 0));
  const reference = (url: string, proxy: DelayProxy) => watched(proxy, () => timeProcess(PYTHON, [REFERENCE, nextCode(), url, join(dir, `ref-${next}`)], 0));
  const kiosk = async (url: string, proxy: DelayProxy) => {
    const service = new ProvisioningService({ apiEndpoint: url, stateDir: join(dir, `kiosk-${next}`) });
    const code = nextCode();
    // The technician's check of the code opens (and warms) the connection; the tap on Confirm starts the clock.
    const validated = await service.validate(code);
    if (!validated.ok) throw new Error(validated.error);
    const timed = await watched(proxy, async () => {
      const started = performance.now();
      const result = await service.provision({ code });
      if (!result.ok) throw new Error(result.error);
      return performance.now() - started;
    });
    service.stop();
    return timed;
  };
  try {
    const measure = async (run: (url: string, proxy: DelayProxy) => Promise<Timed>): Promise<Trips> => {
      const fast = await over(0, run);
      const slow = await over(rttMs, run);
      return { counted: slow.counted, timed: Math.max(0, (slow.time - fast.time) / rttMs), connections: slow.connections };
    };
    return { rttMs, cli: await measure(cli), reference: await measure(reference), kiosk: await measure(kiosk) };
  } finally {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
}
