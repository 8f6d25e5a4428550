import { describe, expect, it } from 'vitest';
import { startHeartbeats } from '../src/flow/heartbeat.js';
import { EXPIRED_CODE, PENDING_CODE, TEST_IDENTITY, useBackend } from '../../test-support/backend.js';

const backend = useBackend();

describe('startHeartbeats', () => {
  it('beats at once with the code and then on every interval until stopped', async () => {
    const server = await backend();
    const results: boolean[] = [];
    let notify: () => void = () => undefined;
    const threeBeats = new Promise<void>((resolve) => { notify = resolve; });
    const stop = startHeartbeats({
      identity: TEST_IDENTITY,
      code: PENDING_CODE,
      apiEndpoint: server.url,
      intervalMs: 20,
      onBeat: (result) => {
        results.push(result.ok);
        if (results.length === 3) notify();
      },
    });
    await threeBeats;
    stop();
    const count = server.mock.store.heartbeats.get(TEST_IDENTITY.mac_address)?.count ?? 0;
    expect(count).toBeGreaterThanOrEqual(3);
    expect(results.every(Boolean)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(server.mock.store.heartbeats.get(TEST_IDENTITY.mac_address)?.count).toBe(count);
  });

  it('reports failures to onBeat without throwing', async () => {
    const server = await backend({ faults: { heartbeat: { error_rate: 1, error_status: 500 } } });
    const failure = await new Promise<unknown>((resolve) => {
      const stop = startHeartbeats({ identity: TEST_IDENTITY, code: PENDING_CODE, apiEndpoint: server.url, retry: { attempts: 1 }, onBeat: (result) => { stop(); resolve(result); } });
    });
    expect(failure).toMatchObject({ ok: false, code: 'server' });
  });

  it('reports a code the backend no longer accepts (403) without throwing', async () => {
    const server = await backend();
    const failure = await new Promise<unknown>((resolve) => {
      const stop = startHeartbeats({ identity: TEST_IDENTITY, code: EXPIRED_CODE, apiEndpoint: server.url, retry: { attempts: 1 }, onBeat: (result) => { stop(); resolve(result); } });
    });
    expect(failure).toMatchObject({ ok: false, retryable: false, error: expect.stringContaining('did not accept the provision code') as unknown });
    expect(server.mock.store.heartbeats.size).toBe(0);
  });
});
