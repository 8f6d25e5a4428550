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
/** A partner with no brand name or colour, and a code with no client name (NULL columns). */
export const UNBRANDED_CODE = 'B1A2C3D4E5F60718';
/** A 15-character self-serve code. */
export const SELF_SERVE_CODE = 'SELFSERVE7Q2K9X';
/** A client name long enough to overflow today's appliance_id column (a 500 with --real-quirks). */
export const LONG_NAME_CODE = '0123456789ABCDEF';
/** A code whose partner is gone: validate says invalid, claim answers 500 "Partner not found". */
export const ORPHAN_CODE = 'DEADBEEF00C0DE01';
/** Status already set to expired. */
export const EXPIRED_CODE = 'EXP1RED000000001';
/** Still pending, but past its expiry. */
export const LAPSED_CODE = 'EXP1RED000000002';
export const REVOKED_CODE = 'REV0KED000000001';
export const CLAIMED_CODE = 'CLA1MED000000001';
/** A MAC the fixture assigns to a site for drop-ship. */
export const ASSIGNED_MAC = '02:00:5E:00:53:01';

/** The keys the server issued (raw, as the mock keeps them), newest last; `active` only the live ones. */
export function issuedKeys(server: RunningServer, options: { active?: boolean } = {}): string[] {
  return [...server.mock.store.apiKeys.values()].filter((k) => options.active !== true || k.active).map((k) => k.key);
}

/** The one key a single claim or drop-ship answer issued. */
export function onlyKey(server: RunningServer): string {
  const keys = issuedKeys(server);
  if (keys.length !== 1) throw new Error(`expected exactly one issued key, found ${keys.length}`);
  return keys[0] as string;
}

/** Retries as fast as possible, so failure-path tests do not wait on real backoff. */
export const FAST_RETRY = { baseDelayMs: 1, maxDelayMs: 5 } as const;
