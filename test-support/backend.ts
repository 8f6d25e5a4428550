import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { startServer, type RunningServer, type StartOptions } from '../mock-server/src/server.js';

/** A real mock backend on a loopback port, rate limit off unless asked, closed after each test. */
export function useBackend(): (options?: StartOptions) => Promise<RunningServer> {
  const servers: RunningServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });
  return async (options = {}) => {
    const server = await startServer({ rateLimit: false, ...options });
    servers.push(server);
    return server;
  };
}

/** A fresh temporary directory per test, removed afterwards. */
export function useTempDir(): () => Promise<string> {
  const dirs: string[] = [];
  afterEach(async () => {
    await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
  });
  return async () => {
    const dir = await mkdtemp(join(tmpdir(), 'osiris-test-'));
    dirs.push(dir);
    return dir;
  };
}

export const TEST_IDENTITY = { mac_address: '84:3A:5B:91:B6:61', hostname: 'osiriscare-appliance' } as const;
export const PENDING_CODE = 'ABCD1234EFGH5678';
export const SECOND_PENDING_CODE = 'C0FFEE00DECAF123';
export const PRESET_SITE_CODE = '7F3A9C1E5B2D4086';
export const EXPIRED_CODE = 'EXP1RED000000001';
export const CLAIMED_CODE = 'CLA1MED000000001';

/** Retries as fast as possible, so failure-path tests do not wait on real backoff. */
export const FAST_RETRY = { baseDelayMs: 1, maxDelayMs: 5 } as const;
