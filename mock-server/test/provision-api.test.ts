import { describe, expect, it } from 'vitest';
import { ClaimResponseSchema } from '../../agent-core/src/protocol/contract.js';
import { CLAIMED_CODE, EXPIRED_CODE, PENDING_CODE, PRESET_SITE_CODE, useBackend } from '../../test-support/backend.js';

const backend = useBackend();
const MAC = '84:3A:5B:91:B6:61';

async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> };
}
async function get(url: string) {
  const response = await fetch(url);
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> };
}

describe('POST /api/provision/claim', () => {
  it('claims a pending code with the documented response', async () => {
    const server = await backend();
    const { status, body } = await post(`${server.url}/api/provision/claim`, { provision_code: PENDING_CODE, mac_address: MAC, hostname: 'box' });
    expect(status).toBe(200);
    expect(ClaimResponseSchema.safeParse(body).success).toBe(true);
    expect(body.site_id).toMatch(/^clinic-abc-[0-9a-f]{6}$/);
    expect(body.appliance_id).toBe(`${String(body.site_id)}-${MAC}`);
    expect(body).toMatchObject({ status: 'claimed', api_endpoint: server.url, partner: { slug: 'nepa-it', brand_name: 'NEPA IT Solutions', primary_color: '#2563EB' } });
    expect(server.mock.store.appliances.get(String(body.appliance_id))).toMatchObject({ hostname: 'box', status: 'claimed' });
  });

  it('keeps a pre-assigned site id', async () => {
    const server = await backend();
    const { body } = await post(`${server.url}/api/provision/claim`, { provision_code: PRESET_SITE_CODE, mac_address: MAC });
    expect(body.site_id).toBe('nepa-it-riverside');
  });

  it.each([
    ['unknown', 'ZZZZ0000ZZZZ0000', 404, 'Invalid provision code'],
    ['expired', EXPIRED_CODE, 400, 'Provision code expired'],
    ['claimed', CLAIMED_CODE, 400, 'Provision code already claimed'],
  ])('refuses an %s code FastAPI-style', async (_label, code, status, detail) => {
    const server = await backend();
    expect(await post(`${server.url}/api/provision/claim`, { provision_code: code, mac_address: MAC })).toMatchObject({ status, body: { detail } });
  });

  it('expires a pending code once its time is up', async () => {
    let now = Date.parse('2026-11-01T00:00:00Z');
    const server = await backend({ now: () => now });
    now += 73 * 3_600_000;
    expect(await post(`${server.url}/api/provision/claim`, { provision_code: PENDING_CODE, mac_address: MAC })).toMatchObject({ status: 400, body: { detail: 'Provision code expired' } });
  });

  it('lets exactly one of many concurrent claims of a code win', async () => {
    const server = await backend();
    const macs = Array.from({ length: 100 }, (_, i) => `02:00:00:00:00:${i.toString(16).padStart(2, '0').toUpperCase()}`);
    const results = await Promise.all(macs.map((mac) => post(`${server.url}/api/provision/claim`, { provision_code: PENDING_CODE, mac_address: mac })));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status === 400 && r.body.detail === 'Provision code already claimed')).toHaveLength(99);
    expect(server.mock.store.appliances.size).toBe(1);
  });

  it('answers 422 with a FastAPI detail list for a body that breaks the schema', async () => {
    const server = await backend();
    const { status, body } = await post(`${server.url}/api/provision/claim`, { provision_code: 'abc', mac_address: 'aa-bb' });
    expect(status).toBe(422);
    expect(body.detail).toEqual(expect.arrayContaining([expect.objectContaining({ loc: ['body', 'provision_code'] }), expect.objectContaining({ loc: ['body', 'mac_address'] })]));
  });

  it('answers 400 for malformed JSON and 413 for an oversized body', async () => {
    const server = await backend();
    expect(await post(`${server.url}/api/provision/claim`, '{"provision_code": ')).toMatchObject({ status: 400, body: { detail: 'Malformed JSON body' } });
    expect(await post(`${server.url}/api/provision/claim`, { provision_code: PENDING_CODE, mac_address: MAC, pad: 'x'.repeat(64 * 1024) })).toMatchObject({ status: 413 });
    expect(server.mock.store.codes.get(PENDING_CODE)?.status).toBe('pending');
  });

  it('stops reading a chunked body that grows past the limit (no Content-Length to trust)', async () => {
    const server = await backend();
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${server.url}/api/provision/claim`, { method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.write(`{"provision_code":"${PENDING_CODE}","mac_address":"${MAC}","pad":"`);
      for (let i = 0; i < 40; i += 1) req.write('x'.repeat(1024));
      req.end('"}');
    });
    expect(status).toBe(413);
    expect(server.mock.store.codes.get(PENDING_CODE)?.status).toBe('pending');
  });

  it('rate-limits claim and validate per client with 429 and Retry-After', async () => {
    const server = await backend({ rateLimit: { max: 3, windowMs: 60_000 } });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await get(`${server.url}/api/provision/validate/ZZZZ0000ZZZZ000${String(i)}`)).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const limited = await post(`${server.url}/api/provision/claim`, { provision_code: PENDING_CODE, mac_address: MAC });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(server.mock.store.codes.get(PENDING_CODE)?.status).toBe('pending');
  });
});

describe('the other endpoints', () => {
  it('validates without consuming the code', async () => {
    const server = await backend();
    expect(await get(`${server.url}/api/provision/validate/${PENDING_CODE}`)).toMatchObject({
      status: 200,
      body: { valid: true, client_name: 'Clinic ABC', partner: { brand_name: 'NEPA IT Solutions', primary_color: '#2563EB' } },
    });
    expect(await get(`${server.url}/api/provision/validate/${EXPIRED_CODE}`)).toMatchObject({ body: { valid: false, error: 'Provision code expired' } });
    expect(server.mock.store.codes.get(PENDING_CODE)?.status).toBe('pending');
  });

  it('moves an appliance through its statuses and 404s an unknown one', async () => {
    const server = await backend();
    const claim = await post(`${server.url}/api/provision/claim`, { provision_code: PENDING_CODE, mac_address: MAC });
    const id = String(claim.body.appliance_id);
    for (const [status, percent] of [['configuring', 40], ['testing', 80], ['active', 100]] as const) {
      expect(await post(`${server.url}/api/provision/status`, { appliance_id: id, status, progress_percent: percent })).toMatchObject({ status: 200, body: { status: 'updated', appliance_id: id, new_status: status } });
      expect(server.mock.store.appliances.get(id)).toMatchObject({ status, progress_percent: percent });
    }
    expect(await post(`${server.url}/api/provision/status`, { appliance_id: 'ghost', status: 'active', progress_percent: 100 })).toMatchObject({ status: 404, body: { detail: 'Appliance not found' } });
    expect((await post(`${server.url}/api/provision/status`, { appliance_id: id, status: 'exploded', progress_percent: 100 })).status).toBe(422);
  });

  it('tracks heartbeats by MAC and knows claimed appliances', async () => {
    const server = await backend();
    expect(await post(`${server.url}/api/provision/heartbeat`, { mac_address: MAC, status: 'waiting' })).toMatchObject({ body: { status: 'unknown' } });
    const claim = await post(`${server.url}/api/provision/claim`, { provision_code: PENDING_CODE, mac_address: MAC });
    expect(await post(`${server.url}/api/provision/heartbeat`, { mac_address: MAC, status: 'waiting', ip_address: '10.1.2.3' })).toMatchObject({ body: { status: 'known', appliance_id: claim.body.appliance_id, site_id: claim.body.site_id } });
    expect(server.mock.store.heartbeats.get(MAC)).toMatchObject({ count: 2, ip_address: '10.1.2.3' });
  });

  it('serves the config of a known appliance and 404s others', async () => {
    const server = await backend();
    const claim = await post(`${server.url}/api/provision/claim`, { provision_code: PENDING_CODE, mac_address: MAC });
    const id = String(claim.body.appliance_id);
    expect(await get(`${server.url}/api/provision/config/${encodeURIComponent(id)}`)).toMatchObject({ status: 200, body: { appliance_id: id, site_id: claim.body.site_id, clinic_name: 'Clinic ABC', config: { poll_interval: 60 } } });
    expect((await get(`${server.url}/api/provision/config/nobody`)).status).toBe(404);
  });

  it('answers unknown routes with JSON 404', async () => {
    const server = await backend();
    expect(await get(`${server.url}/api/provision/nothing-here`)).toEqual({ status: 404, headers: expect.anything() as unknown, body: { detail: 'Not Found' } });
  });
});
