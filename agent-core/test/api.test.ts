import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { claimProvisionCode, fetchApplianceConfig, fetchAssignment, reportStatus, sendHeartbeat, validateProvisionCode } from '../src/protocol/api.js';
import {
  ASSIGNED_MAC, CLAIMED_CODE, EXPIRED_CODE, FAST_RETRY, LAPSED_CODE, ORPHAN_CODE, PENDING_CODE, PRESET_SITE_CODE, REVOKED_CODE, SECOND_PENDING_CODE, SELF_SERVE_CODE, TEST_IDENTITY, UNBRANDED_CODE, onlyKey, useBackend,
} from '../../test-support/backend.js';

const backend = useBackend();

/** A port that was free a moment ago and has nothing listening on it now. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('claimProvisionCode against the faithful mock', () => {
  it('claims a pending code: site, appliance, the server-issued key, partner branding', async () => {
    const server = await backend();
    const result = await claimProvisionCode(PENDING_CODE, { apiEndpoint: server.url, identity: TEST_IDENTITY });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.data.site).toMatchObject({ partner: { slug: 'nepa-it', brand_name: 'NEPA IT Solutions', primary_color: '#2563EB' }, api_endpoint: server.url, settings: {} });
    expect(result.data.site.site_id).toMatch(/^clinic-abc-[0-9a-f]{12}$/);
    expect(result.data.site.appliance_id).toBe(`${result.data.site.site_id}-84:3A:5B:91:B6:61`);
    expect(result.data.site.api_key).toBe(onlyKey(server));
    // The partner's logo_url is NULL and the WireGuard fields null: dropped, no warning about what was never there.
    expect(result.data.site.partner).not.toHaveProperty('logo_url');
    expect(result.data.warnings).toEqual([]);
    expect(server.mock.store.codes.get(PENDING_CODE)?.status).toBe('claimed');
  });

  it('claims a code whose partner has no brand name or colour and no client name (NULLs), not a failure', async () => {
    const server = await backend();
    const result = await claimProvisionCode(UNBRANDED_CODE, { apiEndpoint: server.url, identity: TEST_IDENTITY });
    expect(result).toMatchObject({ ok: true, data: { site: { partner: { slug: 'unbranded-msp' } }, warnings: [] } });
    expect(result.ok && result.data.site.partner).not.toHaveProperty('brand_name');
  });

  it('uses a pre-assigned site id and accepts a 15-character self-serve code', async () => {
    const server = await backend();
    expect(await claimProvisionCode(PRESET_SITE_CODE, { apiEndpoint: server.url, identity: TEST_IDENTITY })).toMatchObject({ ok: true, data: { site: { site_id: 'nepa-it-riverside' } } });
    const selfServe = await claimProvisionCode(SELF_SERVE_CODE.toLowerCase(), { apiEndpoint: server.url, identity: { ...TEST_IDENTITY, mac_address: '02:00:00:00:00:01' } });
    expect(selfServe.ok).toBe(true);
  });

  it.each([
    ['an unknown code', 'ZZZZ0000ZZZZ0000', 'invalid', 'Invalid provision code'],
    ['an expired code', EXPIRED_CODE, 'expired', 'Provision code expired'],
    ['a lapsed code', LAPSED_CODE, 'expired', 'Provision code expired'],
    ['a revoked code', REVOKED_CODE, 'revoked', 'Provision code revoked'],
    ['an already claimed code', CLAIMED_CODE, 'claimed', 'Code already claimed'],
  ])('fails with the seed message for %s', async (_label, code, errorCode, message) => {
    const server = await backend();
    const result = await claimProvisionCode(code, { apiEndpoint: server.url, identity: TEST_IDENTITY });
    expect(result).toMatchObject({ ok: false, code: errorCode, error: message });
  });

  it('says a partnerless code cannot be used, without retrying the claim', async () => {
    const server = await backend();
    const result = await claimProvisionCode(ORPHAN_CODE, { apiEndpoint: server.url, identity: TEST_IDENTITY, retry: FAST_RETRY });
    expect(result).toMatchObject({ ok: false, code: 'server', error: 'Central Command has no partner on record for this code', retryable: false });
  });

  it('sends the identity the backend uses to tell boxes apart (hardware id, boot source, every MAC)', async () => {
    const server = await backend();
    const identity = { ...TEST_IDENTITY, hardware_id: '4C4C4544-0042-5910-8052-B4C04F4E4B32', boot_source: 'installed_disk' as const, all_mac_addresses: [TEST_IDENTITY.mac_address, '84:3A:5B:91:B6:62'] };
    const result = await claimProvisionCode(PENDING_CODE, { apiEndpoint: server.url, identity });
    expect(server.mock.store.appliances.get(result.ok ? result.data.site.appliance_id : '')).toMatchObject({ hardware_id: identity.hardware_id, boot_source: 'installed_disk', all_mac_addresses: identity.all_mac_addresses });
  });

  it('fails with "Connection timed out" when the server does not answer in time', async () => {
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

describe('the other routes, authenticated as the backend requires', () => {
  it('validates pending, expired, revoked, claimed and unknown codes, with NULL names as absent', async () => {
    const server = await backend();
    expect(await validateProvisionCode(PENDING_CODE, { apiEndpoint: server.url })).toEqual({ ok: true, data: { client_name: 'Clinic ABC', partner: { brand_name: 'NEPA IT Solutions', primary_color: '#2563EB' } } });
    expect(await validateProvisionCode(UNBRANDED_CODE, { apiEndpoint: server.url })).toEqual({ ok: true, data: { partner: {} } });
    expect(await validateProvisionCode(EXPIRED_CODE, { apiEndpoint: server.url })).toMatchObject({ ok: false, code: 'expired', error: 'Provision code expired' });
    expect(await validateProvisionCode(REVOKED_CODE, { apiEndpoint: server.url })).toMatchObject({ ok: false, code: 'revoked' });
    expect(await validateProvisionCode(CLAIMED_CODE, { apiEndpoint: server.url })).toMatchObject({ ok: false, code: 'claimed', error: 'Code already claimed' });
    expect(await validateProvisionCode('ZZZZ0000ZZZZ0000', { apiEndpoint: server.url })).toMatchObject({ ok: false, code: 'invalid' });
    expect(await validateProvisionCode('ZZZZ0000ZZZZO00I', { apiEndpoint: server.url })).toMatchObject({ ok: false, code: 'invalid', hint: expect.stringContaining('O typed as 0') as unknown });
    expect(server.mock.store.codes.get(PENDING_CODE)?.status).toBe('pending');
  });

  it('reports status with the Bearer key, heartbeats with the code, and fetches the config', async () => {
    const server = await backend();
    const options = { apiEndpoint: server.url };
    expect(await sendHeartbeat({ mac_address: TEST_IDENTITY.mac_address, provision_code: PENDING_CODE }, options)).toMatchObject({ ok: true, data: { status: 'unknown' } });

    const claim = await claimProvisionCode(PENDING_CODE, { ...options, identity: TEST_IDENTITY });
    if (!claim.ok) throw new Error(claim.error);
    const { appliance_id: applianceId, site_id: siteId, api_key: key } = claim.data.site;

    expect(await reportStatus({ appliance_id: applianceId, status: 'configuring', progress_percent: 50 }, key, options)).toMatchObject({ ok: true, data: { status: 'updated', new_status: 'configuring' } });
    expect(server.mock.store.appliances.get(applianceId)).toMatchObject({ status: 'configuring', progress_percent: 50 });

    expect(await sendHeartbeat({ mac_address: TEST_IDENTITY.mac_address, provision_code: PENDING_CODE }, options)).toMatchObject({ ok: true, data: { status: 'known', appliance_id: applianceId, site_id: siteId } });
    expect(server.mock.store.heartbeats.get(TEST_IDENTITY.mac_address)?.count).toBe(2);

    expect(await fetchApplianceConfig(applianceId, options)).toMatchObject({ ok: true, data: { appliance_id: applianceId, clinic_name: 'Clinic ABC', config: { site_id: siteId, appliance_id: applianceId } } });
  });

  it('says so when the backend refuses the key or the heartbeat code, without retrying', async () => {
    const server = await backend();
    const claim = await claimProvisionCode(PENDING_CODE, { apiEndpoint: server.url, identity: TEST_IDENTITY });
    const id = claim.ok ? claim.data.site.appliance_id : '';
    expect(await reportStatus({ appliance_id: id, status: 'active' }, 'not-the-key-0000000000000000000000000000000', { apiEndpoint: server.url })).toMatchObject({ ok: false, code: 'server', retryable: false, error: expect.stringContaining('refused the appliance') as unknown });
    expect(await sendHeartbeat({ mac_address: TEST_IDENTITY.mac_address, provision_code: EXPIRED_CODE }, { apiEndpoint: server.url })).toMatchObject({ ok: false, retryable: false, error: expect.stringContaining('HTTP 403') as unknown });
  });

  it('sends a status report once, even when today\'s backend answers 500 (no retry storm)', async () => {
    const server = await backend({ realQuirks: true });
    const claim = await claimProvisionCode(PENDING_CODE, { apiEndpoint: server.url, identity: TEST_IDENTITY });
    if (!claim.ok) throw new Error(claim.error);
    let hits = 0;
    server.server.on('request', (req) => { if (req.url === '/api/provision/status') hits += 1; });
    const result = await reportStatus({ appliance_id: claim.data.site.appliance_id, status: 'configuring' }, claim.data.site.api_key, { apiEndpoint: server.url, retry: FAST_RETRY });
    expect(result).toMatchObject({ ok: false, code: 'server', error: 'Server error (HTTP 500)' });
    expect(hits).toBe(1);
  });

  it('says Central Command does not know an unknown appliance', async () => {
    const server = await backend();
    const claim = await claimProvisionCode(PENDING_CODE, { apiEndpoint: server.url, identity: TEST_IDENTITY });
    const key = claim.ok ? claim.data.site.api_key : '';
    expect(await reportStatus({ appliance_id: 'nope-00:11:22:33:44:55', status: 'active', progress_percent: 100 }, key, { apiEndpoint: server.url })).toMatchObject({ ok: false, code: 'invalid', error: 'Central Command does not know this appliance', retryable: false });
    expect(await fetchApplianceConfig('nope', { apiEndpoint: server.url })).toMatchObject({ ok: false, code: 'invalid' });
  });

  it('polls drop-ship: unclaimed with retry_seconds, then an assigned config with its exact canonical bytes', async () => {
    const server = await backend({ dropshipRetrySeconds: 7 });
    expect(await fetchAssignment(TEST_IDENTITY.mac_address, { apiEndpoint: server.url })).toEqual({ ok: true, data: { state: 'unclaimed', retrySeconds: 7 } });
    const assigned = await fetchAssignment(ASSIGNED_MAC, { apiEndpoint: server.url });
    expect(assigned).toMatchObject({ ok: true, data: { state: 'assigned', config: { site_id: 'nepa-it-lakeside' } } });
    if (!assigned.ok || assigned.data.state !== 'assigned') return;
    expect(assigned.data.canonical.startsWith('{"api_endpoint": ')).toBe(true);
    expect(assigned.data.signature).toMatch(/^[0-9a-f]{128}$/);
  });
});

describe('codes on the wire', () => {
  it('sends the normalised code, never the technician\'s spelling', async () => {
    const server = await backend();
    const bodies: string[] = [];
    server.server.prependListener('request', (req) => { req.on('data', (chunk: Buffer) => bodies.push(chunk.toString())); });
    await claimProvisionCode('c0ffee00-decaf123', { apiEndpoint: server.url, identity: TEST_IDENTITY });
    expect(bodies.join('')).toContain(`"provision_code":"${SECOND_PENDING_CODE}"`);
  });
});
