import { describe, expect, it } from 'vitest';
import { CLAIMED_CODE, EXPIRED_CODE, LAPSED_CODE, PENDING_CODE, REVOKED_CODE, SECOND_PENDING_CODE, useBackend } from '../../test-support/backend.js';
import { get, post } from '../../test-support/http.js';

const backend = useBackend();
const MAC = '84:3A:5B:91:B6:61';
const OTHER_MAC = '84:3A:5B:91:B6:99';

async function claimed(url: string, code = PENDING_CODE, mac = MAC) {
  const body = (await post(`${url}/api/provision/claim`, { provision_code: code, mac_address: mac })).json<{ appliance_id: string; site_id: string; api_key: string }>();
  return { ...body, bearer: { authorization: `Bearer ${body.api_key}` } };
}

describe('POST /api/provision/status (fidelity)', () => {
  it('updates with the Bearer key from the claim, accepting any status string', async () => {
    const server = await backend();
    const { appliance_id: id, bearer } = await claimed(server.url);
    for (const status of ['configuring', 'active', 'something-new']) {
      const answer = await post(`${server.url}/api/provision/status`, { appliance_id: id, status, progress_percent: 50 }, bearer);
      expect(answer.status).toBe(200);
      expect(answer.json()).toEqual({ status: 'updated', appliance_id: id, new_status: status });
    }
    expect(server.mock.store.appliances.get(id)).toMatchObject({ status: 'something-new', progress_percent: 50 });
  });

  it.each([
    ['no Authorization header', {}],
    ['a non-Bearer scheme', { authorization: 'Basic dXNlcjpwYXNz' }],
    ['a key the server never issued', { authorization: 'Bearer not-a-key-the-server-issued-0000000000000' }],
  ])('answers 401 for %s and changes nothing', async (_label, headers: Record<string, string>) => {
    const server = await backend();
    const { appliance_id: id } = await claimed(server.url);
    const answer = await post(`${server.url}/api/provision/status`, { appliance_id: id, status: 'active', progress_percent: 100 }, headers);
    expect(answer.status).toBe(401);
    expect(answer.json()).toEqual({ detail: 'Missing or invalid Authorization header' });
    expect(server.mock.store.appliances.get(id)?.status).toBe('pending');
  });

  it("answers 403 for another site's appliance, and 404 for an unknown one", async () => {
    const server = await backend();
    const first = await claimed(server.url);
    const second = await claimed(server.url, SECOND_PENDING_CODE, OTHER_MAC);
    expect(await post(`${server.url}/api/provision/status`, { appliance_id: second.appliance_id, status: 'active' }, first.bearer)).toMatchObject({ status: 403 });
    expect((await post(`${server.url}/api/provision/status`, { appliance_id: second.appliance_id, status: 'active' }, first.bearer)).json()).toEqual({ detail: 'Site ID mismatch: token does not authorize this site' });
    expect((await post(`${server.url}/api/provision/status`, { appliance_id: 'ghost', status: 'active' }, first.bearer)).json()).toEqual({ detail: 'Appliance not found' });
  });

  it('with --real-quirks, answers a plain-text 500 to the statuses the appliance sends, and to another site', async () => {
    const server = await backend({ realQuirks: true });
    const first = await claimed(server.url);
    for (const status of ['configuring', 'testing', 'active', 'failed']) {
      const answer = await post(`${server.url}/api/provision/status`, { appliance_id: first.appliance_id, status, progress_percent: 100 }, first.bearer);
      expect([answer.status, answer.text]).toEqual([500, 'Internal Server Error']);
    }
    expect((await post(`${server.url}/api/provision/status`, { appliance_id: first.appliance_id, status: 'online' }, first.bearer)).status).toBe(200);
    const second = await claimed(server.url, SECOND_PENDING_CODE, OTHER_MAC);
    expect((await post(`${server.url}/api/provision/status`, { appliance_id: second.appliance_id, status: 'online' }, first.bearer)).status).toBe(500);
  });

  it('takes progress_percent as optional (default 0) and rejects a non-integer with 422', async () => {
    const server = await backend();
    const { appliance_id: id, bearer } = await claimed(server.url);
    expect((await post(`${server.url}/api/provision/status`, { appliance_id: id, status: 'online' }, bearer)).status).toBe(200);
    expect(server.mock.store.appliances.get(id)?.progress_percent).toBe(0);
    expect((await post(`${server.url}/api/provision/status`, { appliance_id: id, status: 'online', progress_percent: 'half' }, bearer)).status).toBe(422);
  });
});

describe('POST /api/provision/heartbeat (fidelity)', () => {
  it('answers 401 without a provision code', async () => {
    const server = await backend();
    for (const body of [{ mac_address: MAC }, { mac_address: MAC, provision_code: '' }, { mac_address: MAC, provision_code: null }]) {
      const answer = await post(`${server.url}/api/provision/heartbeat`, body);
      expect([answer.status, answer.json()]).toEqual([401, { detail: 'Missing provision_code' }]);
    }
    expect(server.mock.store.heartbeats.size).toBe(0);
  });

  it.each([
    ['unknown', 'ZZZZ0000ZZZZ0000'],
    ['expired', EXPIRED_CODE],
    ['revoked', REVOKED_CODE],
    ['lapsed', LAPSED_CODE],
  ])('answers 403 for an %s code', async (_label, code) => {
    const server = await backend();
    const answer = await post(`${server.url}/api/provision/heartbeat`, { mac_address: MAC, provision_code: code });
    expect([answer.status, answer.json()]).toEqual([403, { detail: 'Invalid or expired provision_code' }]);
  });

  it('knows a MAC that holds a site (whichever code is sent) and tracks each MAC apart', async () => {
    const server = await backend();
    const unknown = await post(`${server.url}/api/provision/heartbeat`, { mac_address: MAC, provision_code: PENDING_CODE });
    expect(unknown.json()).toEqual({ status: 'unknown', message: 'Appliance not provisioned. Use provision code to claim.' });
    const { appliance_id, site_id } = await claimed(server.url);
    // The MAC is not checked against the code: a claimed code still admits the heartbeat.
    expect((await post(`${server.url}/api/provision/heartbeat`, { mac_address: MAC.toLowerCase(), provision_code: CLAIMED_CODE, hostname: 'box' })).json()).toEqual({ status: 'known', appliance_id, site_id });
    expect((await post(`${server.url}/api/provision/heartbeat`, { mac_address: OTHER_MAC, provision_code: SECOND_PENDING_CODE })).json()).toMatchObject({ status: 'unknown' });
    expect(server.mock.store.heartbeats.get(MAC)).toMatchObject({ count: 2, status: 'provisioning', hostname: 'box' });
    expect(server.mock.store.heartbeats.get(OTHER_MAC)).toMatchObject({ count: 1 });
  });
});

describe('GET /api/provision/config/{appliance_id} (fidelity)', () => {
  it('serves the site, the clinic name and a config of endpoint, site and appliance only', async () => {
    const server = await backend();
    const { appliance_id: id, site_id } = await claimed(server.url);
    const answer = await get(`${server.url}/api/provision/config/${encodeURIComponent(id)}`);
    expect(answer.json()).toEqual({ appliance_id: id, site_id, clinic_name: 'Clinic ABC', config: { api_endpoint: server.url, site_id, appliance_id: id } });
  });

  it('answers 404 for an unknown appliance', async () => {
    const server = await backend();
    const answer = await get(`${server.url}/api/provision/config/nobody`);
    expect([answer.status, answer.json()]).toEqual([404, { detail: 'Appliance not found' }]);
  });
});

describe('POST /api/provision/rekey (fidelity)', () => {
  it('refuses an appliance that never checked in, so it cannot recover a lost claim answer', async () => {
    const server = await backend();
    const { site_id } = await claimed(server.url);
    const answer = await post(`${server.url}/api/provision/rekey`, { site_id, mac_address: MAC, hostname: 'box' });
    expect([answer.status, answer.json()]).toEqual([404, { detail: 'Appliance not provisioned' }]);
  });

  it('rekeys a checked-in appliance once an hour, retiring the old key, without a Retry-After header', async () => {
    const server = await backend({ adminToken: 'admin-token-0123456789' });
    const { site_id, appliance_id, api_key, bearer } = await claimed(server.url);
    await post(`${server.url}/api/admin/appliances/${encodeURIComponent(appliance_id)}/checkin`, {}, { authorization: 'Bearer admin-token-0123456789' });
    const answer = await post(`${server.url}/api/provision/rekey`, { site_id, mac_address: MAC.toLowerCase().replace(/:/g, '-') });
    expect(answer.json()).toMatchObject({ status: 'rekeyed', appliance_id });
    expect(answer.json().api_key).not.toBe(api_key);
    expect((await post(`${server.url}/api/provision/status`, { appliance_id, status: 'online' }, bearer)).status).toBe(401);
    const again = await post(`${server.url}/api/provision/rekey`, { site_id, mac_address: MAC });
    expect(again.status).toBe(429);
    expect(String(again.json().detail)).toMatch(/^Rekey rate limited\. Retry in \d+s$/);
    expect(again.headers.get('retry-after')).toBeNull();
  });

  it('answers 404 for an unknown appliance and 403 for a different hardware id', async () => {
    const server = await backend({ adminToken: 'admin-token-0123456789' });
    const { site_id, appliance_id } = (await post(`${server.url}/api/provision/claim`, { provision_code: PENDING_CODE, mac_address: MAC, hardware_id: 'HW-A' })).json<{ site_id: string; appliance_id: string }>();
    expect((await post(`${server.url}/api/provision/rekey`, { site_id: 'nowhere', mac_address: MAC })).json()).toEqual({ detail: 'Unknown appliance' });
    await post(`${server.url}/api/admin/appliances/${encodeURIComponent(appliance_id)}/checkin`, {}, { authorization: 'Bearer admin-token-0123456789' });
    const answer = await post(`${server.url}/api/provision/rekey`, { site_id, mac_address: MAC, hardware_id: 'HW-B' });
    expect([answer.status, answer.json()]).toEqual([403, { detail: 'Hardware ID mismatch' }]);
  });
});

describe('rate limiting (fidelity)', () => {
  it('limits POSTs per client and key prefix with the real 429 body and Retry-After, and never GETs', async () => {
    const server = await backend({ rateLimit: [{ max: 3, windowMs: 60_000 }] });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await post(`${server.url}/api/provision/heartbeat`, { mac_address: MAC, provision_code: PENDING_CODE })).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const limited = await post(`${server.url}/api/provision/claim`, { provision_code: PENDING_CODE, mac_address: MAC });
    expect(limited.status).toBe(429);
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(limited.json()).toEqual({ detail: 'Rate limit exceeded. Please slow down.', retry_after: retryAfter });
    expect(server.mock.store.codes.get(PENDING_CODE)?.status).toBe('pending');
    // Another Authorization prefix is another client; GETs are never counted.
    expect((await post(`${server.url}/api/provision/status`, { appliance_id: 'x', status: 'y' }, { authorization: 'Bearer someone-else-entirely' })).status).toBe(401);
    expect((await get(`${server.url}/api/provision/validate/${PENDING_CODE}`)).status).toBe(200);
  });

  it('allows bursts of 10 a second by default', async () => {
    const server = await backend({ rateLimit: undefined });
    const statuses = await Promise.all(Array.from({ length: 11 }, () => post(`${server.url}/api/provision/heartbeat`, { mac_address: MAC, provision_code: PENDING_CODE }).then((a) => a.status)));
    expect(statuses.filter((s) => s === 200)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(1);
  });
});
