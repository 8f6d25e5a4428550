import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultFixture, FixtureSchema } from '../src/fixtures.js';
import { startServer } from '../src/server.js';
import { PENDING_CODE, useBackend, useTempDir } from '../../test-support/backend.js';
import { get, post } from '../../test-support/http.js';

// The mock's store at its edges, over HTTP: the boundaries the backend draws (expiry, the 50-character
// appliance_id), what a lab's state file must carry through a restart, and what the admin API lists.

const backend = useBackend();
const tempDir = useTempDir();
const TOKEN = 'admin-token-0123456789';
const admin = { authorization: `Bearer ${TOKEN}` };
const MAC = '84:3A:5B:91:B6:61';
const QUEUED_MAC = '84:3A:5B:91:B6:77';

interface Claimed {
  site_id: string;
  appliance_id: string;
  api_key: string;
}

interface ListedAppliance {
  appliance_id: string;
  status: string;
  status_message?: string;
}

/** A lab server keeping its tables in a state file (closed by each test, which restarts it). */
const restartable = (statePath: string) => startServer({ statePath, rateLimit: false, adminToken: TOKEN });

describe('the state file across a restart', () => {
  it('starts again after a claim that sent null for its hardware id and its list of MACs, and still knows the appliance', async () => {
    const statePath = join(await tempDir(), 'state.json');
    const first = await restartable(statePath);
    const claimed = (await post(`${first.url}/api/provision/claim`, { provision_code: PENDING_CODE, mac_address: MAC, hardware_id: null, all_mac_addresses: null })).json<Claimed>();
    await first.close();

    const second = await restartable(statePath);
    try {
      const report = await post(`${second.url}/api/provision/status`, { appliance_id: claimed.appliance_id, status: 'online' }, { authorization: `Bearer ${claimed.api_key}` });
      expect(report.status).toBe(200);
    } finally {
      await second.close();
    }
  });

  it('keeps the sites and the drop-ship queue: the clinic name is still served, an assigned MAC still gets its config', async () => {
    const statePath = join(await tempDir(), 'state.json');
    const first = await restartable(statePath);
    const claimed = (await post(`${first.url}/api/provision/claim`, { provision_code: PENDING_CODE, mac_address: MAC })).json<Claimed>();
    await post(`${first.url}/api/admin/dropship`, { mac_address: QUEUED_MAC, site_id: 'nepa-it-hilltop', clinic_name: 'Hilltop', ssh_authorized_keys: ['ssh-ed25519 AAAA support'] }, admin);
    await first.close();

    const second = await restartable(statePath);
    try {
      const config = await get(`${second.url}/api/provision/config/${encodeURIComponent(claimed.appliance_id)}`);
      expect(config.json()).toMatchObject({ appliance_id: claimed.appliance_id, clinic_name: 'Clinic ABC' });
      const assigned = await get(`${second.url}/api/provision/${QUEUED_MAC}`);
      expect(assigned.json()).toMatchObject({ config: { site_id: 'nepa-it-hilltop', ssh_authorized_keys: ['ssh-ed25519 AAAA support'] } });
    } finally {
      await second.close();
    }
  });
});

describe('the boundaries the backend draws', () => {
  it('with --real-quirks, claims a code whose appliance_id is exactly 50 characters, and fails one whose id is 51', async () => {
    const server = await backend({ adminToken: TOKEN, realQuirks: true });
    const mint = async (clientName: string) => (await post(`${server.url}/api/admin/codes`, { partner: 'nepa-it', client_name: clientName }, admin)).json<{ code: string }>().code;
    // 19 letters + '-' + 12 hex (the site_id) + '-' + a 17-character MAC = 50.
    const fits = await post(`${server.url}/api/provision/claim`, { provision_code: await mint('A'.repeat(19)), mac_address: MAC });
    expect(fits.status).toBe(200);
    expect(fits.json<Claimed>().appliance_id).toHaveLength(50);
    const overflows = await post(`${server.url}/api/provision/claim`, { provision_code: await mint('A'.repeat(20)), mac_address: MAC });
    expect([overflows.status, overflows.text]).toEqual([500, 'Internal Server Error']);
  });

  it('takes a code as still valid at the very millisecond it expires (expires_at < now), and claims it', async () => {
    const at = Date.parse('2026-01-04T15:30:00Z');
    const base = defaultFixture();
    const fixture = FixtureSchema.parse({ ...base, codes: [...base.codes, { code: 'E0E0E0E0E0E0E0E0', partner: 'nepa-it', client_name: 'Edge Clinic', expires_at: new Date(at).toISOString() }] });
    const server = await backend({ fixture, now: () => at });
    expect((await get(`${server.url}/api/provision/validate/E0E0E0E0E0E0E0E0`)).json()).toMatchObject({ valid: true, client_name: 'Edge Clinic' });
    expect((await post(`${server.url}/api/provision/claim`, { provision_code: 'E0E0E0E0E0E0E0E0', mac_address: MAC })).json()).toMatchObject({ status: 'claimed' });
  });

  it("names an appliance claimed with an empty MAC after its site and a dash, as normalize_mac('') gives ''", async () => {
    const server = await backend();
    const claimed = (await post(`${server.url}/api/provision/claim`, { provision_code: PENDING_CODE, mac_address: '' })).json<Claimed>();
    expect(claimed.appliance_id).toBe(`${claimed.site_id}-`);
  });
});

describe('status reports as the admin API lists them', () => {
  it('keeps the last message when a later report leaves the message out', async () => {
    const server = await backend({ adminToken: TOKEN });
    const claimed = (await post(`${server.url}/api/provision/claim`, { provision_code: PENDING_CODE, mac_address: MAC })).json<Claimed>();
    const bearer = { authorization: `Bearer ${claimed.api_key}` };
    await post(`${server.url}/api/provision/status`, { appliance_id: claimed.appliance_id, status: 'configuring', progress_percent: 75, message: 'Configuration written' }, bearer);
    await post(`${server.url}/api/provision/status`, { appliance_id: claimed.appliance_id, status: 'online', progress_percent: 100 }, bearer);
    const listed = (await get(`${server.url}/api/admin/appliances`, admin)).json<{ appliances: ListedAppliance[] }>().appliances;
    expect(listed).toEqual([expect.objectContaining({ appliance_id: claimed.appliance_id, status: 'online', status_message: 'Configuration written' })]);
  });
});
