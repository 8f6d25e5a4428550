import { verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { publicKeyFromHex } from '../../agent-core/src/protocol/signature.js';
import { ASSIGNED_MAC, issuedKeys, useBackend } from '../../test-support/backend.js';
import { get, post } from '../../test-support/http.js';
import { pythonCanonical } from '../../test-support/python.js';

const backend = useBackend();
const TOKEN = 'admin-token-0123456789';
const admin = { authorization: `Bearer ${TOKEN}` };
const NEW_MAC = '84:3A:5B:91:B6:61';

interface Assigned {
  config: Record<string, unknown>;
  signature: string;
  site_id: string;
  appliance_id: string;
  api_key: string;
}

describe('GET /api/provision/{mac} (fidelity)', () => {
  it('registers an unknown MAC and answers unclaimed with retry_seconds 60', async () => {
    const server = await backend();
    const answer = await get(`${server.url}/api/provision/${NEW_MAC}`);
    expect(answer.status).toBe(200);
    expect(answer.json()).toEqual({ status: 'unclaimed', mac_address: NEW_MAC, retry_seconds: 60, message: 'Appliance registered. Waiting for site assignment in the dashboard.' });
    expect(server.mock.store.dropship.get(NEW_MAC)).toMatchObject({ polls: 1 });
  });

  it('reads the MAC plain or %3A-encoded, in any case, with dashes or colons', async () => {
    const server = await backend();
    for (const spelling of [NEW_MAC, encodeURIComponent(NEW_MAC.toLowerCase()), NEW_MAC.replace(/:/g, '-').toLowerCase()]) {
      expect((await get(`${server.url}/api/provision/${spelling}`)).json()).toMatchObject({ status: 'unclaimed', mac_address: NEW_MAC });
    }
    expect(server.mock.store.dropship.get(NEW_MAC)?.polls).toBe(3);
  });

  it('answers an assigned MAC with a config signed over Python json.dumps(sort_keys=True) bytes, fields repeated flat', async () => {
    const server = await backend();
    const answer = await get(`${server.url}/api/provision/${encodeURIComponent(ASSIGNED_MAC)}`);
    const body = answer.json<Assigned>();
    expect(Object.keys(body.config).sort()).toEqual(['api_endpoint', 'api_key', 'appliance_id', 'site_id', 'ssh_authorized_keys']);
    expect(body.config).toMatchObject({ site_id: 'nepa-it-lakeside', appliance_id: `nepa-it-lakeside-${ASSIGNED_MAC}`, api_endpoint: server.url });
    for (const key of Object.keys(body.config)) expect((body as unknown as Record<string, unknown>)[key]).toEqual(body.config[key]);
    const [canonical] = await pythonCanonical([answer.text], 'config');
    const key = publicKeyFromHex(server.mock.signer.publicKeyHex);
    expect(verify(null, Buffer.from(canonical ?? '', 'utf8'), key, Buffer.from(body.signature, 'hex'))).toBe(true);
  });

  it('mints a new key for every assigned answer and retires the one before', async () => {
    const server = await backend();
    const first = (await get(`${server.url}/api/provision/${ASSIGNED_MAC}`)).json<Assigned>();
    const second = (await get(`${server.url}/api/provision/${ASSIGNED_MAC}`)).json<Assigned>();
    expect(second.api_key).not.toBe(first.api_key);
    expect(issuedKeys(server, { active: true })).toEqual([second.api_key]);
    const report = (key: string) => post(`${server.url}/api/provision/status`, { appliance_id: second.appliance_id, status: 'online' }, { authorization: `Bearer ${key}` });
    expect((await report(first.api_key)).status).toBe(401);
    expect((await report(second.api_key)).status).toBe(200);
  });

  it('hands out a MAC that a partner assigned through the admin API on its next poll', async () => {
    const server = await backend({ adminToken: TOKEN });
    await get(`${server.url}/api/provision/${NEW_MAC}`);
    const queue = await get(`${server.url}/api/admin/dropship`, admin);
    expect(queue.json<{ dropship: { mac_address: string; site_id?: string }[] }>().dropship).toEqual(expect.arrayContaining([expect.objectContaining({ mac_address: NEW_MAC })]));
    const assigned = await post(`${server.url}/api/admin/dropship`, { mac_address: NEW_MAC.toLowerCase(), site_id: 'nepa-it-hilltop', clinic_name: 'Hilltop', partner: 'nepa-it' }, admin);
    expect(assigned.json()).toMatchObject({ mac_address: NEW_MAC, site_id: 'nepa-it-hilltop' });
    const body = (await get(`${server.url}/api/provision/${NEW_MAC}`)).json<Assigned>();
    expect(body.config).toMatchObject({ site_id: 'nepa-it-hilltop', appliance_id: `nepa-it-hilltop-${NEW_MAC}`, ssh_authorized_keys: [] });
    expect((await get(`${server.url}/api/provision/config/${encodeURIComponent(body.appliance_id)}`)).json()).toMatchObject({ clinic_name: 'Hilltop' });
  });

  it('reads any other GET under /api/provision/ as a MAC, as the backend route order does', async () => {
    const server = await backend();
    expect((await get(`${server.url}/api/provision/claim`)).json()).toMatchObject({ status: 'unclaimed', mac_address: 'CLAIM' });
  });
});
