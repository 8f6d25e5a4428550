import { randomToken } from './random.js';
import type { Fixture } from './fixtures.js';

export type CodeStatus = 'pending' | 'claimed' | 'expired';

export interface CodeRecord {
  code: string;
  partner: string;
  client_name: string;
  site_id?: string;
  status: CodeStatus;
  expires_at?: string;
  claimed_by_mac?: string;
  claimed_at?: string;
}

export interface ApplianceRecord {
  appliance_id: string;
  site_id: string;
  mac_address: string;
  hostname?: string;
  hardware_id?: string;
  partner: string;
  client_name: string;
  api_key: string;
  status: 'claimed' | 'configuring' | 'testing' | 'active' | 'failed';
  progress_percent: number;
  status_message?: string;
  claimed_at: string;
  last_seen?: string;
}

export interface HeartbeatRecord {
  mac_address: string;
  hostname?: string;
  ip_address?: string;
  status: string;
  count: number;
  last_seen: string;
}

export interface StoreSnapshot {
  codes: CodeRecord[];
  appliances: ApplianceRecord[];
  heartbeats: HeartbeatRecord[];
}

export type ClaimOutcome =
  | { ok: true; appliance: ApplianceRecord }
  | { ok: false; reason: 'invalid' | 'expired' | 'claimed' };

const HOUR_MS = 3_600_000;

/**
 * The backend's state. Every operation is synchronous: with no await between reading a code's
 * status and marking it claimed, a claim is exactly-once however many requests race for it.
 */
export class Store {
  readonly codes = new Map<string, CodeRecord>();
  readonly appliances = new Map<string, ApplianceRecord>();
  readonly heartbeats = new Map<string, HeartbeatRecord>();
  readonly #now: () => number;
  #onChange: () => void = () => undefined;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  static fromFixture(fixture: Fixture, now: () => number = Date.now): Store {
    const store = new Store(now);
    for (const entry of fixture.codes) {
      const expiresAt = entry.expires_at ?? (entry.expires_in_hours === undefined ? undefined : new Date(now() + entry.expires_in_hours * HOUR_MS).toISOString());
      store.codes.set(entry.code, {
        code: entry.code,
        partner: entry.partner,
        client_name: entry.client_name,
        status: entry.status,
        ...(entry.site_id === undefined ? {} : { site_id: entry.site_id }),
        ...(expiresAt === undefined ? {} : { expires_at: expiresAt }),
        ...(entry.claimed_by_mac === undefined ? {} : { claimed_by_mac: entry.claimed_by_mac }),
      });
    }
    return store;
  }

  onChange(listener: () => void): void {
    this.#onChange = listener;
  }

  /** The code's status now: a pending code past its expiry is expired. */
  codeStatus(code: string): CodeRecord | undefined {
    const record = this.codes.get(code);
    if (record?.status === 'pending' && record.expires_at !== undefined && Date.parse(record.expires_at) <= this.#now()) {
      record.status = 'expired';
      this.#onChange();
    }
    return record;
  }

  claim(code: string, mac: string, hostname?: string, hardwareId?: string): ClaimOutcome {
    const record = this.codeStatus(code);
    if (record === undefined) return { ok: false, reason: 'invalid' };
    if (record.status !== 'pending') return { ok: false, reason: record.status };
    const at = new Date(this.#now()).toISOString();
    const siteId = record.site_id ?? siteIdFor(record.client_name);
    const appliance: ApplianceRecord = {
      appliance_id: `${siteId}-${mac}`,
      site_id: siteId,
      mac_address: mac,
      partner: record.partner,
      client_name: record.client_name,
      api_key: randomToken(32, 'base64url'),
      status: 'claimed',
      progress_percent: 0,
      claimed_at: at,
      ...(hostname === undefined ? {} : { hostname }),
      ...(hardwareId === undefined ? {} : { hardware_id: hardwareId }),
    };
    record.status = 'claimed';
    record.claimed_by_mac = mac;
    record.claimed_at = at;
    record.site_id = siteId;
    this.appliances.set(appliance.appliance_id, appliance);
    this.#onChange();
    return { ok: true, appliance };
  }

  updateStatus(applianceId: string, status: ApplianceRecord['status'], percent: number, message?: string): ApplianceRecord | undefined {
    const appliance = this.appliances.get(applianceId);
    if (appliance === undefined) return undefined;
    appliance.status = status;
    appliance.progress_percent = percent;
    if (message !== undefined) appliance.status_message = message;
    appliance.last_seen = new Date(this.#now()).toISOString();
    this.#onChange();
    return appliance;
  }

  heartbeat(beat: Omit<HeartbeatRecord, 'count' | 'last_seen'>): ApplianceRecord | undefined {
    const previous = this.heartbeats.get(beat.mac_address);
    const at = new Date(this.#now()).toISOString();
    this.heartbeats.set(beat.mac_address, { ...beat, count: (previous?.count ?? 0) + 1, last_seen: at });
    const appliance = [...this.appliances.values()].find((a) => a.mac_address === beat.mac_address);
    if (appliance !== undefined) appliance.last_seen = at;
    this.#onChange();
    return appliance;
  }

  /** Mints a new pending code (the partner dashboard's "new provision code"). */
  mint(partner: string, clientName: string, expiresInHours: number, siteId?: string): CodeRecord {
    let code: string;
    do code = randomToken(8, 'hex').toUpperCase();
    while (this.codes.has(code));
    const record: CodeRecord = {
      code,
      partner,
      client_name: clientName,
      status: 'pending',
      expires_at: new Date(this.#now() + expiresInHours * HOUR_MS).toISOString(),
      ...(siteId === undefined ? {} : { site_id: siteId }),
    };
    this.codes.set(code, record);
    this.#onChange();
    return record;
  }

  snapshot(): StoreSnapshot {
    return { codes: [...this.codes.values()], appliances: [...this.appliances.values()], heartbeats: [...this.heartbeats.values()] };
  }

  restore(snapshot: StoreSnapshot): void {
    for (const code of snapshot.codes) this.codes.set(code.code, code);
    for (const appliance of snapshot.appliances) this.appliances.set(appliance.appliance_id, appliance);
    for (const beat of snapshot.heartbeats) this.heartbeats.set(beat.mac_address, beat);
  }
}

/** `clinic-abc-3f9a1c`: the client's name made URL-safe, plus a suffix so two "Clinic ABC"s differ. */
export function siteIdFor(clientName: string): string {
  const slug = clientName.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 48);
  return `${slug === '' ? 'site' : slug}-${randomToken(3, 'hex')}`;
}
