import { describe, expect, it } from 'vitest';
import { PENDING_CODE, PRESET_SITE_CODE, SECOND_PENDING_CODE, useBackend } from '../../test-support/backend.js';
import { post } from '../../test-support/http.js';

// POST /rekey's hardware-id rule as the backend has it: compared only when the site holds one and
// the request sends one (`if stored and given and stored != given`), the site's hardware_id kept by
// a later claim that sends none (`COALESCE($1, hardware_id)`), and only the rekeyed site's keys retired.

const backend = useBackend();
const TOKEN = 'admin-token-0123456789';
const admin = { authorization: `Bearer ${TOKEN}` };
const MAC = '84:3A:5B:91:B6:61';
const OTHER_MAC = '84:3A:5B:91:B6:99';

interface Claimed {
  site_id: string;
  appliance_id: string;
  api_key: string;
}

async function claimCheckedIn(url: string, body: Record<string, unknown>): Promise<Claimed> {
  const claimed = (await post(`${url}/api/provision/claim`, body)).json<Claimed>();
  await post(`${url}/api/admin/appliances/${encodeURIComponent(claimed.appliance_id)}/checkin`, {}, admin);
  return claimed;
}

describe('POST /api/provision/rekey: the hardware id', () => {
  it.each([
    ['sent it as null', { hardware_id: null }],
    ['left it out', {}],
    ['sent it empty (Python reads "" as none)', { hardware_id: '' }],
  ])('rekeys with any hardware id an appliance whose claim %s: the site has none to compare', async (_label, extra) => {
    const server = await backend({ adminToken: TOKEN });
    const { site_id, appliance_id } = await claimCheckedIn(server.url, { provision_code: PENDING_CODE, mac_address: MAC, ...extra });
    const answer = await post(`${server.url}/api/provision/rekey`, { site_id, mac_address: MAC, hardware_id: 'HW-X' });
    expect(answer.status).toBe(200);
    expect(answer.json()).toMatchObject({ status: 'rekeyed', appliance_id });
  });

  it.each([
    ['no hardware id at all', {}],
    ['a null hardware id', { hardware_id: null }],
    ['an empty hardware id (Python reads "" as none)', { hardware_id: '' }],
    ['the hardware id the claim recorded', { hardware_id: 'HW-A' }],
  ])('rekeys an appliance whose claim recorded a hardware id when the request sends %s', async (_label, extra) => {
    const server = await backend({ adminToken: TOKEN });
    const { site_id, appliance_id } = await claimCheckedIn(server.url, { provision_code: PENDING_CODE, mac_address: MAC, hardware_id: 'HW-A' });
    const answer = await post(`${server.url}/api/provision/rekey`, { site_id, mac_address: MAC, ...extra });
    expect(answer.status).toBe(200);
    expect(answer.json()).toMatchObject({ status: 'rekeyed', appliance_id });
  });

  it("keeps the site's hardware id when a later claim for the same site sends none, so a different one is still refused", async () => {
    const server = await backend({ adminToken: TOKEN });
    const first = await claimCheckedIn(server.url, { provision_code: PRESET_SITE_CODE, mac_address: MAC, hardware_id: 'HW-A' });
    const minted = (await post(`${server.url}/api/admin/codes`, { partner: 'nepa-it', client_name: 'Riverside Family Practice', site_id: first.site_id }, admin)).json<{ code: string }>();
    const second = (await post(`${server.url}/api/provision/claim`, { provision_code: minted.code, mac_address: OTHER_MAC })).json<Claimed>();
    expect(second.site_id).toBe(first.site_id);
    const answer = await post(`${server.url}/api/provision/rekey`, { site_id: first.site_id, mac_address: MAC, hardware_id: 'HW-B' });
    expect([answer.status, answer.json()]).toEqual([403, { detail: 'Hardware ID mismatch' }]);
  });
});

describe('POST /api/provision/rekey: the keys it retires', () => {
  it("retires the rekeyed site's keys only: an appliance at another site goes on reporting with its own", async () => {
    const server = await backend({ adminToken: TOKEN });
    const rekeyed = await claimCheckedIn(server.url, { provision_code: PENDING_CODE, mac_address: MAC });
    const bystander = (await post(`${server.url}/api/provision/claim`, { provision_code: SECOND_PENDING_CODE, mac_address: OTHER_MAC })).json<Claimed>();
    expect(bystander.site_id).not.toBe(rekeyed.site_id);
    expect((await post(`${server.url}/api/provision/rekey`, { site_id: rekeyed.site_id, mac_address: MAC })).status).toBe(200);
    const report = await post(`${server.url}/api/provision/status`, { appliance_id: bystander.appliance_id, status: 'online' }, { authorization: `Bearer ${bystander.api_key}` });
    expect([report.status, report.json()]).toEqual([200, { status: 'updated', appliance_id: bystander.appliance_id, new_status: 'online' }]);
  });
});
