import type { Dispatcher as UndiciDispatcher } from 'undici';
import { describe, expect, it } from 'vitest';
import { HttpClient } from '../src/http/client.js';
import { Agent } from '../src/http/undici.js';
import { runProvisioningFlow } from '../src/flow/flow.js';
import { FAST_RETRY, PENDING_CODE, TEST_IDENTITY, useBackend, useTempDir } from '../../test-support/backend.js';
import { CLAIM_PATH, claimBody, sendJson, useHostileServer } from '../../test-support/hostile-server.js';
import { flowRunner } from '../../test-support/flow-run.js';
import { useTlsBackend } from '../../test-support/preflight.js';
import { makeLocalhostCert } from '../../test-support/tls.js';

// Branches of the code path that the step-by-step tests do not take: a client handed in by the
// kiosk, the network check with its transport options, and how failures are told step by step.
const backend = useBackend();
const hostile = useHostileServer();
const tlsBackend = useTlsBackend();
const tempDir = useTempDir();
const flow = flowRunner(tempDir, { preflight: 'never' });

/** A connection pool that notes each request it carries, as the kiosk's warmed client would carry them. */
class RecordingAgent extends Agent {
  readonly requests: string[] = [];

  override dispatch(options: UndiciDispatcher.DispatchOptions, handler: UndiciDispatcher.DispatchHandler): boolean {
    this.requests.push(`${options.method} ${options.path}`);
    return super.dispatch(options, handler);
  }
}

describe('a client handed in by the kiosk', () => {
  it('carries the whole run when it is for the run’s endpoint', async () => {
    const server = await backend();
    const agent = new RecordingAgent();
    const given = HttpClient.create({ endpoint: new URL(server.url), dispatcher: agent, retry: FAST_RETRY });
    if (!given.ok) throw new Error(given.error);
    const { result } = await flow(server.url, { client: given.data });
    expect(result.ok).toBe(true);
    expect(agent.requests).toEqual(expect.arrayContaining(['POST /api/provision/claim', 'POST /api/provision/status']));
    await agent.close();
  });

  it('is not used for another endpoint', async () => {
    const server = await backend();
    const other = await backend();
    const agent = new RecordingAgent();
    const given = HttpClient.create({ endpoint: new URL(other.url), dispatcher: agent });
    if (!given.ok) throw new Error(given.error);
    const { result } = await flow(server.url, { client: given.data });
    expect(result.ok).toBe(true);
    expect(agent.requests).toEqual([]);
    expect(other.mock.store.appliances.size).toBe(0);
    await agent.close();
  });
});

describe('the network check before the claim (preflight: always)', () => {
  it('trusts the CA file it was given for the TLS stage, as for the claim', async () => {
    const { key, cert, certPath } = makeLocalhostCert(await tempDir());
    const server = await tlsBackend({ key, cert });
    const { result, events } = await flow(server.url, { preflight: 'always', http: { caFile: certPath, retry: FAST_RETRY } });
    expect(result.ok).toBe(true);
    expect(events.filter((e) => e.step === 'preflight').map((e) => [e.status, e.message])).toEqual([
      ['running', 'Checking the network (DNS, TCP, TLS, HTTP)'],
      ['done', 'Network OK'],
    ]);
  });

  it('runs with no transport options at all', async () => {
    const server = await backend();
    const stateDir = `${await tempDir()}/msp`;
    const result = await runProvisioningFlow({ code: PENDING_CODE, apiEndpoint: server.url, stateDir, identity: TEST_IDENTITY, preflight: 'always' });
    expect(result).toMatchObject({ ok: true, data: { warnings: [] } });
  });
});

describe('how a run tells what went wrong, step by step', () => {
  it('marks the step that stopped it as failed in its progress', async () => {
    const server = await backend();
    const { events } = await flow(server.url, { code: 'ABCD1234ABCD567' });
    expect(events).toEqual([{ step: 'validate', status: 'failed', percent: 0, message: expect.any(String) as unknown }]);
  });

  it('files each failed finishing call as a warning under its own step', async () => {
    const server = await hostile((req, res) => {
      if (req.url === CLAIM_PATH) sendJson(res, 200, claimBody());
      else sendJson(res, 503, { detail: 'down' });
    });
    const { events } = await flow(server.url, { http: { retry: { ...FAST_RETRY, attempts: 1 } } });
    expect(events.filter((e) => e.status === 'warning').map((e) => [e.step, e.message])).toEqual([
      ['report-status', 'Could not report status: Server error (HTTP 503)'],
      ['fetch-config', 'Could not fetch appliance settings: Server error (HTTP 503); defaults kept'],
      ['report-status', 'Could not report completion: Server error (HTTP 503)'],
    ]);
  });

  it('does not write the config again when the server’s settings are the ones the claim already carried', async () => {
    const settings = { log_level: 'DEBUG', poll_interval: 120 };
    const body = claimBody({ config: settings });
    const server = await hostile((req, res) => {
      if (req.url === CLAIM_PATH) sendJson(res, 200, body);
      else if (req.url?.startsWith('/api/provision/config/') === true) sendJson(res, 200, { site_id: body.site_id, appliance_id: body.appliance_id, clinic_name: 'Clinic', config: settings });
      else sendJson(res, 200, { status: 'updated', appliance_id: body.appliance_id, new_status: 'active' });
    });
    const writes: string[] = [];
    const { result } = await flow(server.url, { hooks: { onWritePhase: (file, phase) => { if (phase === 'renamed') writes.push(file); } } });
    expect(result).toMatchObject({ ok: true, data: { warnings: [] } });
    expect(writes).toEqual(['journal', 'config']);
  });
});
