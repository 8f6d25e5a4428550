/** The mock's tables, shaped like Central Command's: what the routes read and write, and what the state file keeps. */

export type CodeStatus = 'pending' | 'claimed' | 'expired' | 'revoked';

export interface CodeRecord {
  code: string;
  /** The partner's slug; NULL for a code whose partner was deleted (claim answers 500 "Partner not found"). */
  partner: string | null;
  client_name: string | null;
  /** The site chosen in advance (target_site_id), or the one the claim created. */
  site_id?: string;
  status: CodeStatus;
  expires_at?: string;
  claimed_by_mac?: string;
  claimed_at?: string;
  claimed_appliance_id?: string;
}

export interface SiteRecord {
  site_id: string;
  clinic_name: string;
  partner: string | null;
  hardware_id?: string;
}

export interface ApplianceRecord {
  appliance_id: string;
  site_id: string;
  mac_address: string;
  hostname?: string;
  hardware_id?: string;
  boot_source?: string;
  all_mac_addresses?: string[];
  /** Any string the appliance reported; `pending` until it reports. */
  status: string;
  progress_percent: number;
  status_message?: string;
  /** How it got its site. */
  source: 'claim' | 'dropship';
  claimed_at: string;
  last_seen?: string;
  /** Set when the agent first checks in (simulated by the admin API); /rekey needs it. */
  first_checkin?: string;
}

export interface ApiKeyRecord {
  key: string;
  site_id: string;
  active: boolean;
  /** The drop-ship MAC it was minted for, so the next answer to that MAC retires it. */
  dropship_mac?: string;
  created_at: string;
}

export interface HeartbeatRecord {
  mac_address: string;
  hostname?: string;
  ip_address?: string;
  status: string;
  count: number;
  last_seen: string;
}

/** A MAC in the drop-ship queue: registered by polling, or assigned to a site by a partner. */
export interface DropshipRecord {
  mac_address: string;
  registered_at: string;
  polls: number;
  last_poll?: string;
  site_id?: string;
  ssh_authorized_keys: string[];
  provisioned_at?: string;
}

export interface StoreSnapshot {
  codes: CodeRecord[];
  sites: SiteRecord[];
  appliances: ApplianceRecord[];
  api_keys: ApiKeyRecord[];
  heartbeats: HeartbeatRecord[];
  dropship: DropshipRecord[];
}
