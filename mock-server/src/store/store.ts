import type { Fixture } from '../fixtures.js';
import { randomToken } from '../random.js';
import { normalizeMac, siteIdFor, titleFromSiteId } from './ids.js';
import type { ApiKeyRecord, ApplianceRecord, CodeRecord, DropshipRecord, HeartbeatRecord, SiteRecord, StoreSnapshot } from './records.js';

const HOUR_MS = 3_600_000;
/** Longest appliance_id today's database column holds; a longer one fails the claim's transaction. */
export const APPLIANCE_ID_MAX = 50;

export type ChangeListener = (what: string, appliance?: ApplianceRecord) => void;

export type ValidateOutcome =
  | { readonly valid: true; readonly record: CodeRecord }
  | { readonly valid: false; readonly error: string };

export interface ClaimInput {
  readonly provision_code: string;
  readonly mac_address: string;
  readonly hostname?: string | null | undefined;
  readonly hardware_id?: string | null | undefined;
  readonly boot_source?: string | null | undefined;
  readonly all_mac_addresses?: string[] | null | undefined;
}

export type ClaimOutcome =
  | { readonly ok: true; readonly appliance: ApplianceRecord; readonly apiKey: string; readonly code: CodeRecord }
  /** `http`: answered with `{detail}`; `crash`: an unhandled database error, a plain-text 500. */
  | { readonly ok: false; readonly status: number; readonly detail: string; readonly crash?: true };

/**
 * The backend's state. Every operation is synchronous: with no await between reading a code's
 * status and marking it claimed, a claim is exactly-once however many requests race for it.
 */
export class Store {
  readonly codes = new Map<string, CodeRecord>();
  readonly sites = new Map<string, SiteRecord>();
  readonly appliances = new Map<string, ApplianceRecord>();
  readonly apiKeys = new Map<string, ApiKeyRecord>();
  readonly heartbeats = new Map<string, HeartbeatRecord>();
  readonly dropship = new Map<string, DropshipRecord>();
  readonly now: () => number;
  readonly #listeners = new Set<ChangeListener>();

  constructor(now: () => number = Date.now) {
    this.now = now;
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
    for (const entry of fixture.dropship) {
      store.ensureSite(entry.site_id, entry.clinic_name ?? titleFromSiteId(entry.site_id), entry.partner ?? null);
      store.dropship.set(entry.mac_address.toUpperCase(), { mac_address: entry.mac_address.toUpperCase(), registered_at: store.isoNow(), polls: 0, site_id: entry.site_id, ssh_authorized_keys: entry.ssh_authorized_keys });
    }
    return store;
  }

  /** Told of every change (the state file saves, the dashboard's live view updates). */
  onChange(listener: ChangeListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** `appliance`: the one the change touched, when there is one (the dashboard keeps each appliance's steps). */
  changed(what: string, appliance?: ApplianceRecord): void {
    for (const listener of this.#listeners) listener(what, appliance);
  }

  isoNow(): string {
    return new Date(this.now()).toISOString();
  }

  /** GET /validate: the code joined with its partner (no partner: "Invalid"); never changes anything. */
  validate(raw: string, partnerExists: (slug: string) => boolean): ValidateOutcome {
    const record = this.codes.get(raw.toUpperCase().trim());
    if (record === undefined || record.partner === null || !partnerExists(record.partner)) return { valid: false, error: 'Invalid provision code' };
    if (record.status !== 'pending') return { valid: false, error: `Provision code is ${record.status}` };
    if (this.#pastExpiry(record)) return { valid: false, error: 'Provision code expired' };
    return { valid: true, record };
  }

  /** POST /claim, step for step as the backend does it. */
  claim(input: ClaimInput, options: { readonly partnerExists: (slug: string) => boolean; readonly quirks: boolean }): ClaimOutcome {
    const record = this.codes.get(input.provision_code.toUpperCase().trim());
    if (record === undefined) return { ok: false, status: 404, detail: 'Invalid provision code' };
    if (record.status === 'claimed') return { ok: false, status: 400, detail: 'Provision code already claimed' };
    if (record.status !== 'pending') return { ok: false, status: 400, detail: `Provision code is ${record.status}` };
    if (this.#pastExpiry(record)) {
      record.status = 'expired';
      this.changed('codes');
      return { ok: false, status: 400, detail: 'Provision code expired' };
    }
    if (record.partner === null || !options.partnerExists(record.partner)) return { ok: false, status: 500, detail: 'Partner not found' };
    const siteId = record.site_id ?? siteIdFor(record.client_name ?? input.hostname ?? input.mac_address);
    const applianceId = `${siteId}-${normalizeMac(input.mac_address)}`;
    // The transaction fails on the column's length and rolls back: the code stays pending.
    if (options.quirks && applianceId.length > APPLIANCE_ID_MAX) return { ok: false, status: 500, detail: 'Internal Server Error', crash: true };

    const at = this.isoNow();
    const site = this.ensureSite(siteId, record.client_name ?? titleFromSiteId(siteId), record.partner);
    if (input.hardware_id !== undefined && input.hardware_id !== null) site.hardware_id = input.hardware_id;
    const appliance = this.upsertAppliance({
      appliance_id: applianceId,
      site_id: siteId,
      mac_address: input.mac_address.toUpperCase(),
      status: 'pending',
      progress_percent: 0,
      source: 'claim',
      claimed_at: at,
      ...optional('hostname', input.hostname),
      ...optional('hardware_id', input.hardware_id),
      ...optional('boot_source', input.boot_source),
      ...(input.all_mac_addresses === undefined || input.all_mac_addresses === null ? {} : { all_mac_addresses: input.all_mac_addresses }),
    });
    const apiKey = this.issueKey(siteId);
    Object.assign(record, { status: 'claimed', claimed_at: at, claimed_by_mac: input.mac_address.toUpperCase(), claimed_appliance_id: applianceId, site_id: siteId });
    this.changed('claim', appliance);
    return { ok: true, appliance, apiKey, code: record };
  }

  /** A new raw key for a site (32 random bytes, URL-safe, as `secrets.token_urlsafe(32)`). */
  issueKey(siteId: string, dropshipMac?: string): string {
    const key = randomToken(32, 'base64url');
    this.apiKeys.set(key, { key, site_id: siteId, active: true, created_at: this.isoNow(), ...(dropshipMac === undefined ? {} : { dropship_mac: dropshipMac }) });
    return key;
  }

  /** The site an active key authorizes, if any. */
  siteOfKey(key: string): string | undefined {
    const record = this.apiKeys.get(key);
    return record?.active === true ? record.site_id : undefined;
  }

  ensureSite(siteId: string, clinicName: string, partner: string | null): SiteRecord {
    let site = this.sites.get(siteId);
    if (site === undefined) {
      site = { site_id: siteId, clinic_name: clinicName, partner };
      this.sites.set(siteId, site);
    }
    return site;
  }

  /** Insert, or on conflict keep the record and refresh its hostname (ON CONFLICT … DO UPDATE). */
  upsertAppliance(appliance: ApplianceRecord): ApplianceRecord {
    const existing = this.appliances.get(appliance.appliance_id);
    if (existing === undefined) {
      this.appliances.set(appliance.appliance_id, appliance);
      return appliance;
    }
    if (appliance.hostname !== undefined) existing.hostname = appliance.hostname;
    existing.last_seen = this.isoNow();
    return existing;
  }

  updateStatus(appliance: ApplianceRecord, status: string, percent: number, message: string | null | undefined): void {
    appliance.status = status;
    appliance.progress_percent = percent;
    if (message !== undefined && message !== null) appliance.status_message = message;
    appliance.last_seen = this.isoNow();
    this.changed('status', appliance);
  }

  /** A heartbeat's code must be pending or claimed, and not past its expiry; the MAC is not checked against it. */
  heartbeatCodeAccepted(raw: string): boolean {
    const record = this.codes.get(raw.toUpperCase().trim());
    return record !== undefined && (record.status === 'pending' || record.status === 'claimed') && !this.#pastExpiry(record);
  }

  heartbeat(beat: Omit<HeartbeatRecord, 'count' | 'last_seen'>): ApplianceRecord | undefined {
    const mac = beat.mac_address.toUpperCase();
    const previous = this.heartbeats.get(mac);
    const at = this.isoNow();
    this.heartbeats.set(mac, { ...beat, mac_address: mac, count: (previous?.count ?? 0) + 1, last_seen: at });
    const appliance = [...this.appliances.values()].find((a) => a.mac_address === mac);
    if (appliance !== undefined) {
      appliance.last_seen = at;
      if (beat.hostname !== undefined) appliance.hostname = beat.hostname;
    }
    this.changed('heartbeat', appliance);
    return appliance;
  }

  /** Mints a new pending code: 16 upper-case hex characters, as the partner dashboard does. */
  mint(partner: string | null, clientName: string | null, expiresInHours: number, siteId?: string): CodeRecord {
    let code: string;
    do code = randomToken(8, 'hex').toUpperCase();
    while (this.codes.has(code));
    const record: CodeRecord = {
      code,
      partner,
      client_name: clientName,
      status: 'pending',
      expires_at: new Date(this.now() + expiresInHours * HOUR_MS).toISOString(),
      ...(siteId === undefined ? {} : { site_id: siteId }),
    };
    this.codes.set(code, record);
    this.changed('codes');
    return record;
  }

  snapshot(): StoreSnapshot {
    return {
      codes: [...this.codes.values()],
      sites: [...this.sites.values()],
      appliances: [...this.appliances.values()],
      api_keys: [...this.apiKeys.values()],
      heartbeats: [...this.heartbeats.values()],
      dropship: [...this.dropship.values()],
    };
  }

  restore(snapshot: StoreSnapshot): void {
    for (const code of snapshot.codes) this.codes.set(code.code, code);
    for (const site of snapshot.sites) this.sites.set(site.site_id, site);
    for (const appliance of snapshot.appliances) this.appliances.set(appliance.appliance_id, appliance);
    for (const key of snapshot.api_keys) this.apiKeys.set(key.key, key);
    for (const beat of snapshot.heartbeats) this.heartbeats.set(beat.mac_address, beat);
    for (const entry of snapshot.dropship) this.dropship.set(entry.mac_address, entry);
  }

  #pastExpiry(record: CodeRecord): boolean {
    return record.expires_at !== undefined && Date.parse(record.expires_at) < this.now();
  }
}

function optional<K extends string>(key: K, value: string | null | undefined): Partial<Record<K, string>> {
  return value === undefined || value === null ? {} : ({ [key]: value } as Record<K, string>);
}
