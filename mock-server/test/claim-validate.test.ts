import { describe, expect, it } from 'vitest';
import { ClaimResponseSchema, ValidateResponseSchema } from '../../agent-core/src/protocol/contract.js';
import {
  CLAIMED_CODE, EXPIRED_CODE, LAPSED_CODE, LONG_NAME_CODE, ORPHAN_CODE, PENDING_CODE, PRESET_SITE_CODE, REVOKED_CODE, SELF_SERVE_CODE, UNBRANDED_CODE, issuedKeys, useBackend,
} from '../../test-support/backend.js';
import { get, post } from '../../test-support/http.js';

const backend = useBackend();
const MAC = '84:3A:5B:91:B6:61';
const claim = (url: string, body: Record<string, unknown>) => post(`${url}/api/provision/claim`, { mac_address: MAC, ...body });

describe('POST /api/provision/claim (fidelity)', () => {
  it('answers with every field of the backend response model, nulls included, and config {}', async () => {
    const server = await backend();
    const answer = await claim(server.url, { provision_code: PENDING_CODE, hostname: 'box' });
    expect(answer.status).toBe(200);
    const body = answer.json();
    expect(ClaimResponseSchema.safeParse(body).success).toBe(true);
    expect(Object.keys(body).sort()).toEqual(['api_endpoint', 'api_key', 'appliance_id', 'config', 'message', 'partner', 'site_id', 'status', 'wg_hub_endpoint', 'wg_hub_pubkey', 'wg_ip']);
    expect(body).toMatchObject({
      status: 'claimed', api_endpoint: server.url, config: {}, message: 'Appliance provisioned successfully. Run initial discovery.',
      partner: { slug: 'nepa-it', brand_name: 'NEPA IT Solutions', primary_color: '#2563EB', logo_url: null },
      wg_hub_pubkey: null, wg_hub_endpoint: null, wg_ip: null,
    });
    // site_id: the client name made URL-safe plus 12 hex digits; appliance_id = site_id-MAC.
    expect(body.site_id).toMatch(/^clinic-abc-[0-9a-f]{12}$/);
    expect(body.appliance_id).toBe(`${String(body.site_id)}-${MAC}`);
    expect(issuedKeys(server)).toEqual([body.api_key]);
    expect(server.mock.store.appliances.get(String(body.appliance_id))).toMatchObject({ hostname: 'box', status: 'pending' });
  });

  it('sends null brand name and colour for an unbranded partner, and names the site from the hostname when the code has no client name', async () => {
    const server = await backend();
    const body = (await claim(server.url, { provision_code: UNBRANDED_CODE, hostname: 'Front Desk.local' })).json();
    expect(body.partner).toEqual({ slug: 'unbranded-msp', brand_name: null, primary_color: null, logo_url: null });
    expect(body.site_id).toMatch(/^front-desk-local-[0-9a-f]{12}$/);
    expect(server.mock.store.sites.get(String(body.site_id))?.clinic_name).toMatch(/^Front Desk Local [0-9A-Fa-f]{12}$/);
  });

  it('adds the WireGuard hub fields only when the request carried a wg_pubkey', async () => {
    const server = await backend();
    const body = (await claim(server.url, { provision_code: PENDING_CODE, wg_pubkey: 'Zm9vYmFyZm9vYmFyZm9vYmFyZm9vYmFyZm9vYmFyMDA=' })).json();
    expect(body.wg_hub_pubkey).toEqual(expect.any(String));
    expect(body.wg_hub_endpoint).toMatch(/:\d+$/);
    expect(body.wg_ip).toMatch(/^10\.100\.0\.\d+$/);
  });

  it('keeps a pre-assigned site id and accepts a 15-character self-serve code in any case with spaces', async () => {
    const server = await backend();
    expect((await claim(server.url, { provision_code: PRESET_SITE_CODE })).json().site_id).toBe('nepa-it-riverside');
    expect((await claim(server.url, { provision_code: ` ${SELF_SERVE_CODE.toLowerCase()} `, mac_address: '02:00:00:00:00:02' })).status).toBe(200);
  });

  it('records hardware id, boot source and every MAC the appliance sent', async () => {
    const server = await backend();
    const body = (await claim(server.url, { provision_code: PENDING_CODE, hardware_id: '4C4C4544-0042-5910-8052-B4C04F4E4B32', boot_source: 'live_usb', all_mac_addresses: [MAC, '84:3A:5B:91:B6:62'] })).json();
    expect(server.mock.store.appliances.get(String(body.appliance_id))).toMatchObject({ boot_source: 'live_usb', all_mac_addresses: [MAC, '84:3A:5B:91:B6:62'], hardware_id: '4C4C4544-0042-5910-8052-B4C04F4E4B32' });
  });

  it.each([
    ['an unknown code', 'ZZZZ0000ZZZZ0000', 404, 'Invalid provision code'],
    ['a claimed code', CLAIMED_CODE, 400, 'Provision code already claimed'],
    ['an expired code', EXPIRED_CODE, 400, 'Provision code is expired'],
    ['a revoked code', REVOKED_CODE, 400, 'Provision code is revoked'],
    ['a pending code past its expiry', LAPSED_CODE, 400, 'Provision code expired'],
    ['a code whose partner is gone', ORPHAN_CODE, 500, 'Partner not found'],
  ])('refuses %s with the backend status and detail, consuming nothing', async (_label, code, status, detail) => {
    const server = await backend();
    const answer = await claim(server.url, { provision_code: code });
    expect(answer.status).toBe(status);
    expect(answer.json()).toEqual({ detail });
    expect(server.mock.store.appliances.size).toBe(0);
    expect(issuedKeys(server)).toEqual([]);
  });

  it('marks a lapsed pending code expired once a claim finds it so ("is expired" from then on)', async () => {
    const server = await backend();
    await claim(server.url, { provision_code: LAPSED_CODE });
    expect((await claim(server.url, { provision_code: LAPSED_CODE })).json()).toEqual({ detail: 'Provision code is expired' });
  });

  it('with --real-quirks, fails a claim whose appliance_id would pass 50 characters with a plain-text 500 and leaves the code pending', async () => {
    const server = await backend({ realQuirks: true });
    const answer = await claim(server.url, { provision_code: LONG_NAME_CODE });
    expect(answer.status).toBe(500);
    expect(answer.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(answer.text).toBe('Internal Server Error');
    expect(server.mock.store.codes.get(LONG_NAME_CODE)?.status).toBe('pending');
    expect((await get(`${server.url}/api/provision/validate/${LONG_NAME_CODE}`)).json()).toMatchObject({ valid: true });
    // Without the quirks the same claim succeeds.
    const plain = await backend();
    expect((await claim(plain.url, { provision_code: LONG_NAME_CODE })).status).toBe(200);
  });

  it('lets exactly one of many concurrent claims of a code win', async () => {
    const server = await backend();
    const macs = Array.from({ length: 100 }, (_, i) => `02:00:00:00:00:${i.toString(16).padStart(2, '0').toUpperCase()}`);
    const results = await Promise.all(macs.map((mac) => claim(server.url, { provision_code: PENDING_CODE, mac_address: mac })));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status === 400 && r.json().detail === 'Provision code already claimed')).toHaveLength(99);
    expect(server.mock.store.appliances.size).toBe(1);
  });

  it('answers 422 with a FastAPI detail list for a body without the required fields or with the wrong types', async () => {
    const server = await backend();
    const missing = await post(`${server.url}/api/provision/claim`, { hostname: 'x' });
    expect(missing.status).toBe(422);
    expect(missing.json().detail).toEqual(expect.arrayContaining([expect.objectContaining({ loc: ['body', 'provision_code'] }), expect.objectContaining({ loc: ['body', 'mac_address'] })]));
    expect((await claim(server.url, { provision_code: 12345 })).status).toBe(422);
  });

  it('answers 400 for malformed JSON and 413 for an oversized body, consuming nothing', async () => {
    const server = await backend();
    expect(await post(`${server.url}/api/provision/claim`, '{"provision_code": ')).toMatchObject({ status: 400 });
    expect((await claim(server.url, { provision_code: PENDING_CODE, pad: 'x'.repeat(64 * 1024) })).status).toBe(413);
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
});

describe('GET /api/provision/validate/{code} (fidelity)', () => {
  it('answers valid with the client name and the partner brand and colour only', async () => {
    const server = await backend();
    const answer = await get(`${server.url}/api/provision/validate/${PENDING_CODE}`);
    expect(answer.status).toBe(200);
    expect(answer.json()).toEqual({ valid: true, client_name: 'Clinic ABC', partner: { brand_name: 'NEPA IT Solutions', primary_color: '#2563EB' } });
    expect(ValidateResponseSchema.safeParse(answer.json()).success).toBe(true);
    expect(server.mock.store.codes.get(PENDING_CODE)?.status).toBe('pending');
  });

  it('sends nulls for an unbranded partner and a code without a client name', async () => {
    const server = await backend();
    expect((await get(`${server.url}/api/provision/validate/${UNBRANDED_CODE}`)).json()).toEqual({ valid: true, client_name: null, partner: { brand_name: null, primary_color: null } });
  });

  it.each([
    ['unknown', 'ZZZZ0000ZZZZ0000', 'Invalid provision code'],
    ['claimed', CLAIMED_CODE, 'Provision code is claimed'],
    ['expired', EXPIRED_CODE, 'Provision code is expired'],
    ['revoked', REVOKED_CODE, 'Provision code is revoked'],
    ['lapsed (pending past its expiry)', LAPSED_CODE, 'Provision code expired'],
    ['partnerless (the partner join finds nothing)', ORPHAN_CODE, 'Invalid provision code'],
  ])('always answers 200, and says so for a %s code', async (_label, code, error) => {
    const server = await backend();
    const answer = await get(`${server.url}/api/provision/validate/${code}`);
    expect(answer.status).toBe(200);
    expect(answer.json()).toEqual({ valid: false, error });
  });

  it('never marks a lapsed code expired (only a claim does)', async () => {
    const server = await backend();
    await get(`${server.url}/api/provision/validate/${LAPSED_CODE}`);
    expect(server.mock.store.codes.get(LAPSED_CODE)?.status).toBe('pending');
  });

  it('is not rate limited (GETs are exempt)', async () => {
    const server = await backend({ rateLimit: [{ max: 2, windowMs: 60_000 }] });
    const statuses = await Promise.all(Array.from({ length: 5 }, () => get(`${server.url}/api/provision/validate/${PENDING_CODE}`).then((a) => a.status)));
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
  });
});
