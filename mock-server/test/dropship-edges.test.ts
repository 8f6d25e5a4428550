import { describe, expect, it } from 'vitest';
import type { DashboardView } from '../src/dashboard/protocol.js';
import { ASSIGNED_MAC, PENDING_CODE, useBackend } from '../../test-support/backend.js';
import { get, post } from '../../test-support/http.js';
import { openSse } from '../../test-support/sse.js';

// Drop-ship as the partner sees it in the admin API and the dashboard's live view, and what an
// assigned answer does (and does not do) to other appliances' keys.

const backend = useBackend();
const TOKEN = 'admin-token-0123456789';
const admin = { authorization: `Bearer ${TOKEN}` };
const NEW_MAC = '84:3A:5B:91:B6:61';
const CLAIM_MAC = '84:3A:5B:91:B6:99';

describe('the drop-ship queue and its appliances', () => {
  it('lists a MAC that registered itself by polling with no SSH keys until a partner assigns it', async () => {
    const server = await backend({ adminToken: TOKEN });
    await get(`${server.url}/api/provision/${NEW_MAC}`);
    const queue = (await get(`${server.url}/api/admin/dropship`, admin)).json<{ dropship: { mac_address: string; ssh_authorized_keys: string[] }[] }>().dropship;
    expect(queue.find((entry) => entry.mac_address === NEW_MAC)).toMatchObject({ polls: 1, ssh_authorized_keys: [] });
  });

  it('lists the appliance an assigned answer creates as pending, from drop-ship, until it reports', async () => {
    const server = await backend({ adminToken: TOKEN });
    const answer = (await get(`${server.url}/api/provision/${ASSIGNED_MAC}`)).json<{ appliance_id: string }>();
    const listed = (await get(`${server.url}/api/admin/appliances`, admin)).json<{ appliances: { appliance_id: string }[] }>().appliances;
    expect(listed.find((a) => a.appliance_id === answer.appliance_id)).toMatchObject({ status: 'pending', progress_percent: 0, source: 'dropship', clinic_name: 'Lakeside Clinic' });
  });

  it("shows the partner an assignment names on the site it creates, in the dashboard's view", async () => {
    const server = await backend({ adminToken: TOKEN });
    await post(`${server.url}/api/admin/dropship`, { mac_address: NEW_MAC, site_id: 'keystone-harbor', clinic_name: 'Harbor Dental', partner: 'keystone-msp' }, admin);
    const stream = await openSse(`${server.url}/api/admin/events`, admin);
    try {
      const view = JSON.parse((await stream.next((e) => e.event === 'snapshot')).data) as DashboardView;
      expect(view.sites.find((s) => s.site_id === 'keystone-harbor')).toEqual({ site_id: 'keystone-harbor', clinic_name: 'Harbor Dental', partner: 'keystone-msp' });
    } finally {
      stream.close();
    }
  });
});

describe('the keys an assigned answer retires', () => {
  it('retires only the earlier key of that MAC: an appliance claimed with a code goes on reporting with its own', async () => {
    const server = await backend();
    const claimed = (await post(`${server.url}/api/provision/claim`, { provision_code: PENDING_CODE, mac_address: CLAIM_MAC })).json<{ appliance_id: string; api_key: string }>();
    await get(`${server.url}/api/provision/${ASSIGNED_MAC}`);
    await get(`${server.url}/api/provision/${ASSIGNED_MAC}`);
    const report = await post(`${server.url}/api/provision/status`, { appliance_id: claimed.appliance_id, status: 'online' }, { authorization: `Bearer ${claimed.api_key}` });
    expect([report.status, report.json()]).toEqual([200, { status: 'updated', appliance_id: claimed.appliance_id, new_status: 'online' }]);
  });
});
