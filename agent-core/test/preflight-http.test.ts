import { describe, expect, it } from 'vitest';
import { CLOCK_SKEW_MAX_MS } from '../src/constants.js';
import { useBackend } from '../../test-support/backend.js';
import { sendJson, useHostileServer } from '../../test-support/hostile-server.js';
import { preflightOf } from '../../test-support/preflight.js';

const backend = useBackend();
const hostile = useHostileServer();

const HEALTH = '/health';
const FAILING_HINT = 'The backend is up but failing; try again in a few minutes or contact OsirisCare support.';
const CLOCK_HINT = "A wrong clock makes certificates look invalid. Enable NTP ('timedatectl set-ntp true') or set the date.";
const MINUTE_MS = 60_000;
const stagesOf = (report: { stages: readonly { stage: string; status: string }[] }) => report.stages.map((s) => [s.stage, s.status]);

describe('preflight HTTP stage', () => {
  it('counts an answer below 500 as the backend answering, even a 404', async () => {
    const server = await hostile((_req, res) => { sendJson(res, 404, { detail: 'Not Found' }); });
    const report = await preflightOf(server.url);
    expect(report.ok).toBe(true);
    expect(report.stages[3]).toEqual({ stage: 'http', status: 'pass', key: 'preflight.http.answered', params: {}, detail: 'Central Command answered', ms: expect.any(Number) as number });
  });

  it.each([500, 503])('names a backend answering %i as up but failing, and checks no clock after it', async (status) => {
    const server = await hostile((_req, res) => { sendJson(res, status, { detail: 'maintenance' }); });
    const report = await preflightOf(server.url);
    expect(stagesOf(report)).toEqual([['dns', 'pass'], ['tcp', 'pass'], ['tls', 'skip'], ['http', 'fail']]);
    expect(report.failed).toMatchObject({
      stage: 'http',
      key: 'preflight.http.failing',
      params: { reason: `Server error (HTTP ${status})` },
      detail: `Server error (HTTP ${status})`,
      hint: FAILING_HINT,
    });
  });

  it('asks for the health again after a server error, as for any safe call, and passes once the backend recovers', async () => {
    const server = await hostile((_req, res, hit) => { sendJson(res, hit === 1 ? 500 : 200, hit === 1 ? { detail: 'starting' } : { status: 'ok' }); });
    const report = await preflightOf(server.url, { client: { attempts: 2 } });
    expect(report.ok).toBe(true);
    expect(report.stages[3]).toMatchObject({ stage: 'http', status: 'pass' });
    expect(server.hits.get(HEALTH)).toBe(2);
  });

  it('leaves DNS, TCP and TLS to the proxy, and passes on what the client knows when the backend cannot be reached', async () => {
    const server = await backend();
    const url = server.url;
    await server.close();
    const report = await preflightOf(url, { viaProxy: true });
    const proxied = { status: 'skip', key: 'preflight.proxy', params: {}, detail: 'handled by the configured proxy', ms: 0 };
    expect(report.stages.slice(0, 3)).toEqual([{ stage: 'dns', ...proxied }, { stage: 'tcp', ...proxied }, { stage: 'tls', ...proxied }]);
    expect(report.stages).toHaveLength(4);
    expect(report.failed).toMatchObject({
      stage: 'http',
      key: 'preflight.http.silent',
      params: { reason: 'Failed to connect to server' },
      detail: 'Failed to connect to server',
      hint: '127.0.0.1 refused the connection: the backend may be down, or a firewall is rejecting outbound HTTPS.',
    });
  });

  it('says the backend did not answer when the health check gets no answer in time', async () => {
    const server = await hostile(() => { /* never answers */ });
    const report = await preflightOf(server.url, { client: { timeoutMs: 300 } });
    expect(stagesOf(report)).toEqual([['dns', 'pass'], ['tcp', 'pass'], ['tls', 'skip'], ['http', 'fail']]);
    expect(report.failed).toMatchObject({
      key: 'preflight.http.silent',
      params: { reason: 'Connection timed out' },
      detail: 'Connection timed out',
      hint: 'The backend did not answer over HTTPS.',
    });
  });
});

describe('preflight clock check', () => {
  it('skips the clock when the server sends no Date header', async () => {
    const server = await hostile((_req, res) => {
      res.sendDate = false;
      sendJson(res, 200, { status: 'ok' });
    });
    const report = await preflightOf(server.url);
    expect(report.ok).toBe(true);
    expect(report.stages[4]).toEqual({ stage: 'clock', status: 'skip', key: 'preflight.clock.unknown', params: {}, detail: 'server sent no Date header', ms: 0 });
  });

  it.each([
    [2_000, 2],
    [CLOCK_SKEW_MAX_MS, 300],
    [-CLOCK_SKEW_MAX_MS, 300],
  ])('passes a clock %i ms off the server’s, saying it is within %i s', async (aheadMs, seconds) => {
    const server = await backend();
    const report = await preflightOf(server.url, { clockAheadMs: aheadMs });
    expect(report.stages[4]).toEqual({ stage: 'clock', status: 'pass', key: 'preflight.clock.ok', params: { seconds }, detail: `clock within ${seconds} s of the server`, ms: 0 });
  });

  it.each([
    [3 * 60 * MINUTE_MS, 'ahead', 180, 'appliance clock is 180 minutes ahead of the server'],
    [CLOCK_SKEW_MAX_MS + 1_000, 'ahead', 5, 'appliance clock is 5 minutes ahead of the server'],
    [-10 * MINUTE_MS, 'behind', 10, 'appliance clock is 10 minutes behind the server'],
  ])('warns about a clock %i ms off the server’s as %s by %i minutes, without failing the preflight', async (aheadMs, side, minutes, detail) => {
    const server = await backend();
    const report = await preflightOf(server.url, { clockAheadMs: aheadMs });
    expect(report.ok).toBe(true);
    expect(report.failed).toBeUndefined();
    expect(report.stages[4]).toEqual({
      stage: 'clock',
      status: 'warn',
      key: `preflight.clock.${side}`,
      params: { minutes },
      detail,
      hint: CLOCK_HINT,
      ms: 0,
    });
  });
});
