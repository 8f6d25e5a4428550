import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ProvisioningService } from '../src/service.js';
import { PENDING_CODE, TEST_IDENTITY, useBackend, useTempDir } from '../../test-support/backend.js';
import { runCli } from '../../test-support/cli.js';
import { startDelayProxy } from '../../test-support/delay-proxy.js';

const backend = useBackend();
const tempDir = useTempDir();
// A real delay, not 0: with none, a loaded machine (or Stryker's instrumented build) can take longer
// between two pipelined requests than the server takes to answer the first, and the proxy would count
// a round trip the wire never had.
const RTT_MS = 100;

describe('round trips on the wire (counted from the traffic, not timed)', () => {
  it('osiris-provision --provision: at most 4 on one connection (connect, claim, status and settings together, final status)', async () => {
    const server = await backend();
    const proxy = await startDelayProxy(new URL(server.url), RTT_MS);
    try {
      const run = await runCli(['--provision', PENDING_CODE, '--api-endpoint', proxy.url, '--state-dir', join(await tempDir(), 'msp')]);
      expect(run.code).toBe(0);
      expect([proxy.connections(), proxy.roundTrips()]).toEqual([1, 4]);
    } finally {
      await proxy.close();
    }
  });

  it('the kiosk: at most 3 from the Confirm tap, on the connection its code check warmed', async () => {
    const server = await backend();
    const proxy = await startDelayProxy(new URL(server.url), RTT_MS);
    const service = new ProvisioningService({ apiEndpoint: proxy.url, stateDir: join(await tempDir(), 'msp'), identity: { sysfsRoot: join(await tempDir(), 'none'), readHostname: () => TEST_IDENTITY.hostname } });
    try {
      expect((await service.validate(PENDING_CODE)).ok).toBe(true);
      // The heartbeat that keeps the connection warm while the technician reads Confirm has gone out and come back.
      await expect.poll(() => server.mock.store.heartbeats.size).toBe(1);
      await new Promise((resolve) => setTimeout(resolve, 50));
      const [connections, trips] = [proxy.connections(), proxy.roundTrips()];
      expect((await service.provision({ code: PENDING_CODE })).ok).toBe(true);
      expect([proxy.connections() - connections, proxy.roundTrips() - trips]).toEqual([0, 3]);
    } finally {
      service.stop();
      await proxy.close();
    }
  });
});
