import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { claimProvisionCode, fetchApplianceConfig, reportStatus, sendHeartbeat, validateProvisionCode } from '../src/protocol/api.js';
import { CLAIMED_CODE, EXPIRED_CODE, FAST_RETRY, PENDING_CODE, PRESET_SITE_CODE, TEST_IDENTITY, useBackend } from '../../test-support/backend.js';

const backend = useBackend();

/** A port that was free a moment ago and has nothing listening on it now. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('claimProvisionCode against the mock backend', () => {
  it('claims a pending code and returns the seed-shaped response', async () => {
    const server = await backend();
    const result = await claimProvisionCode(PENDING_CODE, { apiEndpoint: server.url, identity: TEST_IDENTITY });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.data).toMatchObject({
      status: 'claimed',
      partner: { slug: 'nepa-it', brand_name: 'NEPA IT Solutions', primary_color: '#2563EB' },
      api_endpoint: server.url,
    });
    expect(result.data.site_id).toMatch(/^clinic-abc-[0-9a-f]{6}$/);
    expect(result.data.appliance_id).toBe(`${result.data.site_id}-84:3A:5B:91:B6:61`);
    expect(result.data.api_key?.length).toBeGreaterThanOrEqual(32);
    expect(result.data).not.toHaveProperty('wireguard_enabled');
    expect(server.mock.store.codes.get(PENDING_CODE)?.status).toBe('claimed');
  });

  it('uses a pre-assigned site id', async () => {
    const server = await backend();
    const result = await claimProvisionCode(PRESET_SITE_CODE, { apiEndpoint: server.url, identity: TEST_IDENTITY });
    expect(result.ok && result.data.site_id).toBe('nepa-it-riverside');
  });

  it.each([
    ['an unknown code', 'ZZZZ0000ZZZZ0000', 'invalid', 'Invalid provision code'],
    ['an expired code', EXPIRED_CODE, 'expired', 'Provision code expired'],
    ['an already claimed code', CLAIMED_CODE, 'claimed', 'Code already claimed'],
  ])('fails with the seed message for %s', async (_label, code, errorCode, message) => {
    const server = await backend();
    const result = await claimProvisionCode(code, { apiEndpoint: server.url, identity: TEST_IDENTITY });
    expect(result).toMatchObject({ ok: false, code: errorCode, error: message });
  });

  it('fails with "Connection timed out" when the server does not answer in time', async () => {
    // The server would answer after a minute, past the test's own timeout: only the client's deadline ends this.
    const server = await backend({ faults: { claim: { latency_ms: 60_000, error_status: 500 } } });
    const result = await claimProvisionCode(PENDING_CODE, { apiEndpoint: server.url, identity: TEST_IDENTITY, timeoutMs: 300 });
    expect(result).toMatchObject({ ok: false, code: 'timeout', error: 'Connection timed out' });
  });

  it('fails with "Failed to connect to server" when nothing listens', async () => {
    const port = await closedPort();
    const result = await claimProvisionCode(PENDING_CODE, { apiEndpoint: `http://127.0.0.1:${port}`, identity: TEST_IDENTITY, retry: FAST_RETRY });
    expect(result).toMatchObject({ ok: false, code: 'unreachable', error: 'Failed to connect to server' });
    expect(!result.ok && result.hint).toContain('refused');
  });

  it('rejects a malformed code without contacting the server', async () => {
    const server = await backend();
    const result = await claimProvisionCode('ABCD-12', { apiEndpoint: server.url, identity: TEST_IDENTITY });
    expect(result).toMatchObject({ ok: false, code: 'format' });
    expect(server.mock.store.snapshot().appliances).toHaveLength(0);
  });

  it('claims exactly once: a second claim of the same code is refused', async () => {
    const server = await backend();
    const first = await claimProvisionCode(PENDING_CODE, { apiEndpoint: server.url, identity: TEST_IDENTITY });
    const second = await claimProvisionCode(PENDING_CODE, { apiEndpoint: server.url, identity: { ...TEST_IDENTITY, mac_address: '00:11:22:33:44:55' } });
    expect(first.ok).toBe(true);
    expect(second).toMatchObject({ ok: false, code: 'claimed' });
  });

  it('refuses plain http to a non-loopback host before connecting', async () => {
    const result = await claimProvisionCode(PENDING_CODE, { apiEndpoint: 'http://203.0.113.10', identity: TEST_IDENTITY });
    expect(result).toMatchObject({ ok: false, code: 'usage' });
  });
});

describe('the other endpoints', () => {
  it('validates pending, expired, claimed and unknown codes', async () => {
    const server = await backend();
    const valid = await validateProvisionCode(PENDING_CODE, { apiEndpoint: server.url });
    expect(valid).toMatchObject({ ok: true, data: { valid: true, client_name: 'Clinic ABC', partner: { brand_name: 'NEPA IT Solutions', primary_color: '#2563EB' } } });
    expect(await validateProvisionCode(EXPIRED_CODE, { apiEndpoint: server.url })).toMatchObject({ ok: false, code: 'expired', error: 'Provision code expired' });
    expect(await validateProvisionCode(CLAIMED_CODE, { apiEndpoint: server.url })).toMatchObject({ ok: false, code: 'claimed', error: 'Code already claimed' });
    expect(await validateProvisionCode('ZZZZ0000ZZZZ0000', { apiEndpoint: server.url })).toMatchObject({ ok: false, code: 'invalid' });
    expect(server.mock.store.codes.get(PENDING_CODE)?.status).toBe('pending');
  });

  it('reports status, heartbeats and fetches config for a claimed appliance', async () => {
    const server = await backend();
    const options = { apiEndpoint: server.url };
    const unknownBeat = await sendHeartbeat({ mac_address: TEST_IDENTITY.mac_address, status: 'waiting_for_code' }, options);
    expect(unknownBeat).toMatchObject({ ok: true, data: { status: 'unknown' } });

    const claim = await claimProvisionCode(PENDING_CODE, { ...options, identity: TEST_IDENTITY });
    if (!claim.ok) throw new Error(claim.error);
    const applianceId = claim.data.appliance_id;

    expect(await reportStatus({ appliance_id: applianceId, status: 'configuring', progress_percent: 50 }, options)).toMatchObject({ ok: true, data: { status: 'updated', new_status: 'configuring' } });
    expect(server.mock.store.appliances.get(applianceId)).toMatchObject({ status: 'configuring', progress_percent: 50 });

    const knownBeat = await sendHeartbeat({ mac_address: TEST_IDENTITY.mac_address, status: 'provisioning' }, options);
    expect(knownBeat).toMatchObject({ ok: true, data: { status: 'known', appliance_id: applianceId, site_id: claim.data.site_id } });
    expect(server.mock.store.heartbeats.get(TEST_IDENTITY.mac_address)?.count).toBe(2);

    const config = await fetchApplianceConfig(applianceId, options);
    expect(config).toMatchObject({ ok: true, data: { appliance_id: applianceId, clinic_name: 'Clinic ABC', config: { poll_interval: 60 } } });
  });

  it('says Central Command does not know an unknown appliance', async () => {
    const server = await backend();
    const status = await reportStatus({ appliance_id: 'nope-00:11:22:33:44:55', status: 'active', progress_percent: 100 }, { apiEndpoint: server.url });
    expect(status).toMatchObject({ ok: false, code: 'invalid', error: 'Central Command does not know this appliance', retryable: false });
    expect(await fetchApplianceConfig('nope', { apiEndpoint: server.url })).toMatchObject({ ok: false, code: 'invalid' });
  });
});
