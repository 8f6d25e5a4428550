import { describe, expect, it } from 'vitest';
import { startHeartbeats } from '../src/flow/heartbeat.js';
import { EXPIRED_CODE, PENDING_CODE, TEST_IDENTITY, useBackend } from '../../test-support/backend.js';
import { sendJson, useHostileServer } from '../../test-support/hostile-server.js';

const backend = useBackend();
const hostile = useHostileServer();

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

describe('startHeartbeats, one beat at a time', () => {
  it('sends the status asked for (provisioning by default), with the hostname', async () => {
    const server = await backend();
    await new Promise<void>((resolve) => {
      const stop = startHeartbeats({ identity: TEST_IDENTITY, code: PENDING_CODE, apiEndpoint: server.url, onBeat: () => { stop(); resolve(); } });
    });
    expect(server.mock.store.heartbeats.get(TEST_IDENTITY.mac_address)).toMatchObject({ status: 'provisioning', hostname: TEST_IDENTITY.hostname });
    await new Promise<void>((resolve) => {
      const stop = startHeartbeats({ identity: TEST_IDENTITY, code: PENDING_CODE, apiEndpoint: server.url, status: 'confirming', onBeat: () => { stop(); resolve(); } });
    });
    expect(server.mock.store.heartbeats.get(TEST_IDENTITY.mac_address)).toMatchObject({ status: 'confirming', count: 2 });
  });

  it('never sends a second beat while one is still waiting for its answer', async () => {
    const arrivals: number[] = [];
    const server = await hostile((_req, res) => {
      arrivals.push(Date.now());
      setTimeout(() => { sendJson(res, 200, { status: 'unknown' }); }, 250);
    });
    const beats: boolean[] = [];
    const stop = startHeartbeats({ identity: TEST_IDENTITY, code: PENDING_CODE, apiEndpoint: server.url, intervalMs: 20, onBeat: (r) => beats.push(r.ok) });
    await new Promise((resolve) => setTimeout(resolve, 600));
    stop();
    // 600 ms at 20 ms would be 30 beats; each waits 250 ms for its answer, so at most three.
    expect(arrivals.length).toBeGreaterThanOrEqual(2);
    expect(arrivals.length).toBeLessThanOrEqual(3);
    expect(beats.every(Boolean)).toBe(true);
  });

  it('says nothing about a beat that was in flight when it was stopped, and sends no more', async () => {
    let hits = 0;
    const server = await hostile((_req, res) => {
      hits += 1;
      setTimeout(() => { sendJson(res, 200, { status: 'unknown' }); }, 150);
    });
    const beats: unknown[] = [];
    const stop = startHeartbeats({ identity: TEST_IDENTITY, code: PENDING_CODE, apiEndpoint: server.url, intervalMs: 30, onBeat: (r) => beats.push(r) });
    await new Promise((resolve) => setTimeout(resolve, 60));
    stop();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(beats).toEqual([]);
    expect(hits).toBe(1);
  });

  it('beats on without anyone listening for the outcome, as the kiosk’s service starts them', async () => {
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown) => { rejections.push(reason); };
    process.on('unhandledRejection', onRejection);
    let secondBeat: () => void = () => undefined;
    const twoBeats = new Promise<void>((resolve) => { secondBeat = resolve; });
    let hits = 0;
    const server = await hostile((_req, res) => {
      // The second beat can only start once the first has been answered and handled in full.
      if ((hits += 1) === 2) secondBeat();
      sendJson(res, 200, { status: 'unknown' });
    });
    const stop = startHeartbeats({ identity: TEST_IDENTITY, code: PENDING_CODE, apiEndpoint: server.url, intervalMs: 5 });
    await twoBeats;
    stop();
    process.off('unhandledRejection', onRejection);
    expect(rejections).toEqual([]);
  });
});
