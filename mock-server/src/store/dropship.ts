import { normalizeMac, titleFromSiteId } from './ids.js';
import type { DropshipRecord } from './records.js';
import type { Store } from './store.js';

export type PollOutcome =
  | { readonly state: 'unclaimed'; readonly mac: string }
  | {
      readonly state: 'assigned';
      readonly config: { site_id: string; appliance_id: string; api_key: string; api_endpoint: string; ssh_authorized_keys: string[] };
    };

/**
 * GET /api/provision/{mac}: an unknown MAC is registered (the partner sees it in the dashboard's
 * queue), a registered one counted, and an assigned one answered with its config — minting a new
 * key every time and retiring the one the previous answer carried.
 */
export function pollMac(store: Store, mac: string, apiEndpoint: string): PollOutcome {
  const at = store.isoNow();
  const record: DropshipRecord = store.dropship.get(mac) ?? { mac_address: mac, registered_at: at, polls: 0, ssh_authorized_keys: [] };
  store.dropship.set(mac, record);
  record.polls += 1;
  record.last_poll = at;
  if (record.site_id === undefined) {
    store.changed('dropship');
    return { state: 'unclaimed', mac };
  }
  for (const key of store.apiKeys.values()) if (key.dropship_mac === mac) key.active = false;
  const apiKey = store.issueKey(record.site_id, mac);
  const applianceId = `${record.site_id}-${normalizeMac(mac)}`;
  const appliance = store.upsertAppliance({ appliance_id: applianceId, site_id: record.site_id, mac_address: normalizeMac(mac), status: 'pending', progress_percent: 0, source: 'dropship', claimed_at: at });
  record.provisioned_at ??= at;
  store.changed('dropship', appliance);
  return {
    state: 'assigned',
    config: { site_id: record.site_id, appliance_id: applianceId, api_key: apiKey, api_endpoint: apiEndpoint, ssh_authorized_keys: [...record.ssh_authorized_keys] },
  };
}

export interface Assignment {
  readonly site_id: string;
  readonly clinic_name?: string;
  readonly partner?: string | null;
  readonly ssh_authorized_keys?: readonly string[];
}

/** The partner dashboard's "Assign to site": the MAC's next poll gets its config. */
export function assignMac(store: Store, rawMac: string, assignment: Assignment): DropshipRecord {
  const mac = rawMac.toUpperCase().replace(/-/g, ':');
  store.ensureSite(assignment.site_id, assignment.clinic_name ?? titleFromSiteId(assignment.site_id), assignment.partner ?? null);
  const record: DropshipRecord = store.dropship.get(mac) ?? { mac_address: mac, registered_at: store.isoNow(), polls: 0, ssh_authorized_keys: [] };
  record.site_id = assignment.site_id;
  record.ssh_authorized_keys = [...(assignment.ssh_authorized_keys ?? [])];
  store.dropship.set(mac, record);
  store.changed('dropship');
  return record;
}
