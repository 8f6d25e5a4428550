import { describe, expect, it } from 'vitest';
import { FixtureSchema } from '../src/fixtures.js';
import { assignMac, pollMac, rekey, Store } from '../src/store/index.js';
import { macFromPath, normalizeMac, siteIdFor, titleFromSiteId } from '../src/store/ids.js';

// The store on its own, step for step as the backend does it (the route tests drive it over HTTP).
const T0 = Date.parse('2026-01-04T15:30:00Z');
const HOUR = 3_600_000;
const MAC = '84:3a:5b:91:b6:61';
const partners = new Set(['nepa-it']);
const exists = (slug: string) => partners.has(slug);

function store(now = T0) {
  let clock = now;
  const s = Store.fromFixture(FixtureSchema.parse({
    partners: [{ slug: 'nepa-it', brand_name: 'NEPA IT', primary_color: null, logo_url: null }],
    codes: [
      { code: 'PENDING000000001', partner: 'nepa-it', client_name: 'Clinic ABC', expires_in_hours: 1 },
      { code: 'PENDING000000002', partner: 'nepa-it', client_name: null },
      { code: 'PRESET0000000001', partner: 'nepa-it', client_name: 'Preset', site_id: 'preset-site' },
      { code: 'LAPSING000000001', partner: 'nepa-it', client_name: 'Late', expires_at: new Date(now + 60_000).toISOString() },
      { code: 'REVOKED000000001', partner: 'nepa-it', client_name: 'X', status: 'revoked' },
      { code: 'CLAIMED000000001', partner: 'nepa-it', client_name: 'X', status: 'claimed', claimed_by_mac: 'AA:BB:CC:DD:EE:FF' },
      { code: 'ORPHAN0000000001', partner: null, client_name: 'X' },
      { code: 'GHOST00000000001', partner: 'gone', client_name: 'X' },
      { code: 'LONGNAME00000001', partner: 'nepa-it', client_name: 'A clinic whose name is longer than forty characters' },
    ],
    dropship: [{ mac_address: '02:00:5e:00:53:01', site_id: 'ds-site', ssh_authorized_keys: ['ssh-ed25519 AAAA x'] }],
    signing_key: '00'.repeat(32),
  }), () => clock);
  return { s, advance: (ms: number) => { clock += ms; } };
}

const claim = (s: Store, code: string, extra: Record<string, unknown> = {}, quirks = false) =>
  s.claim({ provision_code: code, mac_address: MAC, hostname: 'box', ...extra }, { partnerExists: exists, quirks });

describe('the fixture', () => {
  it('loads codes with their expiry (relative or absolute) and drop-ship MACs upper-cased with their sites', () => {
    const { s } = store();
    expect(s.codes.get('PENDING000000001')).toEqual({ code: 'PENDING000000001', partner: 'nepa-it', client_name: 'Clinic ABC', status: 'pending', expires_at: new Date(T0 + HOUR).toISOString() });
    expect(s.codes.get('PENDING000000002')).not.toHaveProperty('expires_at');
    expect(s.codes.get('PRESET0000000001')).toMatchObject({ site_id: 'preset-site' });
    expect(s.codes.get('CLAIMED000000001')).toMatchObject({ claimed_by_mac: 'AA:BB:CC:DD:EE:FF' });
    expect(s.dropship.get('02:00:5E:00:53:01')).toEqual({ mac_address: '02:00:5E:00:53:01', registered_at: new Date(T0).toISOString(), polls: 0, site_id: 'ds-site', ssh_authorized_keys: ['ssh-ed25519 AAAA x'] });
    expect(s.sites.get('ds-site')).toEqual({ site_id: 'ds-site', clinic_name: 'Ds Site', partner: null });
  });
});

describe('validate', () => {
  it.each([
    ['an unknown code', 'NOPE000000000001', 'Invalid provision code'],
    ['a code without a partner', 'ORPHAN0000000001', 'Invalid provision code'],
    ['a code whose partner is gone', 'GHOST00000000001', 'Invalid provision code'],
    ['a revoked code', 'REVOKED000000001', 'Provision code is revoked'],
    ['a claimed code', 'CLAIMED000000001', 'Provision code is claimed'],
  ])('refuses %s', (_label, code, error) => {
    expect(store().s.validate(code, exists)).toEqual({ valid: false, error });
  });

  it('accepts a pending code in any case and spacing until it expires, changing nothing', () => {
    const { s, advance } = store();
    expect(s.validate(' lapsing000000001 ', exists)).toMatchObject({ valid: true, record: { code: 'LAPSING000000001' } });
    advance(60_001);
    expect(s.validate('LAPSING000000001', exists)).toEqual({ valid: false, error: 'Provision code expired' });
    expect(s.codes.get('LAPSING000000001')?.status).toBe('pending');
  });
});

describe('claim', () => {
  it('claims a pending code once: site from the client name, appliance by MAC, a fresh active key, the code marked', () => {
    const { s } = store();
    const changes: string[] = [];
    s.onChange((what) => changes.push(what));
    const outcome = claim(s, 'pending000000001', { hardware_id: 'hw-1', boot_source: 'disk', all_mac_addresses: ['84:3A:5B:91:B6:61', '84:3A:5B:91:B6:62'] });
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    const siteId = outcome.appliance.site_id;
    expect(siteId).toMatch(/^clinic-abc-[0-9a-f]{12}$/);
    expect(outcome.appliance).toEqual({
      appliance_id: `${siteId}-84:3A:5B:91:B6:61`, site_id: siteId, mac_address: '84:3A:5B:91:B6:61', status: 'pending', progress_percent: 0, source: 'claim',
      claimed_at: new Date(T0).toISOString(), hostname: 'box', hardware_id: 'hw-1', boot_source: 'disk', all_mac_addresses: ['84:3A:5B:91:B6:61', '84:3A:5B:91:B6:62'],
    });
    expect(s.siteOfKey(outcome.apiKey)).toBe(siteId);
    expect(outcome.apiKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(s.sites.get(siteId)).toEqual({ site_id: siteId, clinic_name: 'Clinic ABC', partner: 'nepa-it', hardware_id: 'hw-1' });
    expect(s.codes.get('PENDING000000001')).toMatchObject({ status: 'claimed', claimed_at: new Date(T0).toISOString(), claimed_by_mac: '84:3A:5B:91:B6:61', claimed_appliance_id: `${siteId}-84:3A:5B:91:B6:61`, site_id: siteId });
    expect(changes).toEqual(['claim']);
    expect(claim(s, 'PENDING000000001')).toEqual({ ok: false, status: 400, detail: 'Provision code already claimed' });
  });

  it('names the site from the hostname, then the MAC, when the code has no client name; keeps a pre-assigned site', () => {
    const byHost = claim(store().s, 'PENDING000000002');
    expect(byHost.ok && byHost.appliance.site_id).toMatch(/^box-[0-9a-f]{12}$/);
    const byMac = claim(store().s, 'PENDING000000002', { hostname: null });
    expect(byMac.ok && byMac.appliance.site_id).toMatch(/^84-3a-5b-91-b6-61-[0-9a-f]{12}$/);
    expect(byMac.ok && byMac.appliance).not.toHaveProperty('hostname');
    const preset = claim(store().s, 'PRESET0000000001');
    expect(preset.ok && preset.appliance.site_id).toBe('preset-site');
  });

  it.each([
    ['an unknown code', 'NOPE000000000001', { ok: false, status: 404, detail: 'Invalid provision code' }],
    ['a revoked code', 'REVOKED000000001', { ok: false, status: 400, detail: 'Provision code is revoked' }],
    ['a code without a partner (a 500 today)', 'ORPHAN0000000001', { ok: false, status: 500, detail: 'Partner not found' }],
    ['a code whose partner is gone', 'GHOST00000000001', { ok: false, status: 500, detail: 'Partner not found' }],
  ])('refuses %s', (_label, code, outcome) => {
    const { s } = store();
    expect(claim(s, code)).toEqual(outcome);
    expect(s.appliances.size).toBe(0);
    expect(s.apiKeys.size).toBe(0);
  });

  it('marks an expired code expired when it is claimed, and says so', () => {
    const { s, advance } = store();
    const changes: string[] = [];
    s.onChange((what) => changes.push(what));
    advance(HOUR + 1);
    expect(claim(s, 'PENDING000000001')).toEqual({ ok: false, status: 400, detail: 'Provision code expired' });
    expect(s.codes.get('PENDING000000001')?.status).toBe('expired');
    expect(changes).toEqual(['codes']);
  });

  it("with today's quirks, fails a claim whose appliance_id is longer than 50 characters, leaving the code pending", () => {
    const { s } = store();
    expect(claim(s, 'LONGNAME00000001', {}, true)).toEqual({ ok: false, status: 500, detail: 'Internal Server Error', crash: true });
    expect(s.codes.get('LONGNAME00000001')?.status).toBe('pending');
    expect(claim(s, 'LONGNAME00000001', {}, false).ok).toBe(true);
  });
});

describe('keys, sites and appliances', () => {
  it('authorizes only an active key', () => {
    const { s } = store();
    const key = s.issueKey('site-a', 'AA:BB:CC:DD:EE:FF');
    expect(s.apiKeys.get(key)).toEqual({ key, site_id: 'site-a', active: true, created_at: new Date(T0).toISOString(), dropship_mac: 'AA:BB:CC:DD:EE:FF' });
    expect(s.siteOfKey(key)).toBe('site-a');
    const record = s.apiKeys.get(key);
    if (record) record.active = false;
    expect(s.siteOfKey(key)).toBeUndefined();
    expect(s.siteOfKey('unknown')).toBeUndefined();
  });

  it('keeps an existing site as it was', () => {
    const { s } = store();
    const first = s.ensureSite('site-a', 'Clinic A', 'nepa-it');
    expect(s.ensureSite('site-a', 'Other', null)).toBe(first);
    expect(first).toEqual({ site_id: 'site-a', clinic_name: 'Clinic A', partner: 'nepa-it' });
  });

  it('upserts an appliance: a second insert keeps the record and refreshes only its hostname and last_seen', () => {
    const { s, advance } = store();
    const base = { appliance_id: 'a-1', site_id: 's', mac_address: 'M', status: 'pending', progress_percent: 0, source: 'claim' as const, claimed_at: 'then' };
    const first = s.upsertAppliance({ ...base, hostname: 'one' });
    advance(1_000);
    const again = s.upsertAppliance({ ...base, status: 'other', hostname: 'two' });
    expect(again).toBe(first);
    expect(first).toMatchObject({ status: 'pending', hostname: 'two', last_seen: new Date(T0 + 1_000).toISOString() });
    s.upsertAppliance({ ...base });
    expect(first.hostname).toBe('two');
  });

  it('updates status, keeping the last message when none is given', () => {
    const { s } = store();
    const appliance = s.upsertAppliance({ appliance_id: 'a-1', site_id: 's', mac_address: 'M', status: 'pending', progress_percent: 0, source: 'claim', claimed_at: 'then' });
    const changes: string[] = [];
    s.onChange((what) => changes.push(what));
    s.updateStatus(appliance, 'configuring', 75, 'Configuration written');
    s.updateStatus(appliance, 'active', 100, null);
    expect(appliance).toMatchObject({ status: 'active', progress_percent: 100, status_message: 'Configuration written', last_seen: new Date(T0).toISOString() });
    expect(changes).toEqual(['status', 'status']);
  });
});

describe('heartbeats', () => {
  it('accept a pending or claimed code that has not expired', () => {
    const { s, advance } = store();
    expect(s.heartbeatCodeAccepted(' pending000000001 ')).toBe(true);
    expect(s.heartbeatCodeAccepted('CLAIMED000000001')).toBe(true);
    expect(s.heartbeatCodeAccepted('REVOKED000000001')).toBe(false);
    expect(s.heartbeatCodeAccepted('NOPE000000000001')).toBe(false);
    advance(HOUR + 1);
    expect(s.heartbeatCodeAccepted('PENDING000000001')).toBe(false);
  });

  it('count per MAC and refresh the appliance with that MAC', () => {
    const { s, advance } = store();
    const outcome = claim(s, 'PENDING000000001');
    advance(5_000);
    expect(s.heartbeat({ mac_address: MAC, status: 'provisioning', hostname: 'renamed' })).toBe(outcome.ok ? outcome.appliance : undefined);
    s.heartbeat({ mac_address: MAC.toUpperCase(), status: 'provisioning' });
    expect(s.heartbeat({ mac_address: '00:11:22:33:44:55', status: 'provisioning' })).toBeUndefined();
    expect(s.heartbeats.get('84:3A:5B:91:B6:61')).toEqual({ mac_address: '84:3A:5B:91:B6:61', status: 'provisioning', count: 2, last_seen: new Date(T0 + 5_000).toISOString() });
    expect(s.heartbeats.get('00:11:22:33:44:55')?.count).toBe(1);
    expect(outcome.ok && outcome.appliance).toMatchObject({ hostname: 'renamed', last_seen: new Date(T0 + 5_000).toISOString() });
  });
});

describe('minting, saving and restoring', () => {
  it('mints a unique pending 16-hex code with its expiry and pre-assigned site', () => {
    const { s } = store();
    const changes: string[] = [];
    const off = s.onChange((what) => changes.push(what));
    const record = s.mint('nepa-it', 'New Clinic', 2, 'site-x');
    expect(record).toEqual({ code: record.code, partner: 'nepa-it', client_name: 'New Clinic', status: 'pending', expires_at: new Date(T0 + 2 * HOUR).toISOString(), site_id: 'site-x' });
    expect(record.code).toMatch(/^[0-9A-F]{16}$/);
    expect(s.codes.get(record.code)).toBe(record);
    expect(s.mint(null, null, 1)).not.toHaveProperty('site_id');
    expect(changes).toEqual(['codes', 'codes']);
    off();
    s.mint(null, null, 1);
    expect(changes).toHaveLength(2);
  });

  it('restores exactly what it saved', () => {
    const { s } = store();
    claim(s, 'PENDING000000001');
    s.heartbeat({ mac_address: MAC, status: 'provisioning' });
    pollMac(s, '02:00:5E:00:53:01', 'https://api.example');
    const snapshot = JSON.parse(JSON.stringify(s.snapshot())) as ReturnType<Store['snapshot']>;
    const copy = new Store(() => T0);
    copy.restore(snapshot);
    expect(copy.snapshot()).toEqual(snapshot);
    expect(Object.keys(snapshot)).toEqual(['codes', 'sites', 'appliances', 'api_keys', 'heartbeats', 'dropship']);
    expect(snapshot.api_keys).toHaveLength(2);
  });
});

describe('drop-ship and rekey', () => {
  it('registers an unknown MAC as unclaimed, and answers an assigned one with a new key, retiring the last', () => {
    const { s } = store();
    expect(pollMac(s, 'AA:BB:CC:DD:EE:01', 'https://api.example')).toEqual({ state: 'unclaimed', mac: 'AA:BB:CC:DD:EE:01' });
    expect(s.dropship.get('AA:BB:CC:DD:EE:01')).toMatchObject({ polls: 1, last_poll: new Date(T0).toISOString() });
    assignMac(s, 'aa-bb-cc-dd-ee-01', { site_id: 'site-d', ssh_authorized_keys: ['k'] });
    const first = pollMac(s, 'AA:BB:CC:DD:EE:01', 'https://api.example');
    const second = pollMac(s, 'AA:BB:CC:DD:EE:01', 'https://api.example');
    if (first.state !== 'assigned' || second.state !== 'assigned') throw new Error('not assigned');
    expect(second.config).toEqual({ site_id: 'site-d', appliance_id: 'site-d-AA:BB:CC:DD:EE:01', api_key: second.config.api_key, api_endpoint: 'https://api.example', ssh_authorized_keys: ['k'] });
    expect(s.siteOfKey(first.config.api_key)).toBeUndefined();
    expect(s.siteOfKey(second.config.api_key)).toBe('site-d');
    expect(s.dropship.get('AA:BB:CC:DD:EE:01')).toMatchObject({ polls: 3, provisioned_at: new Date(T0).toISOString() });
    expect(s.appliances.get('site-d-AA:BB:CC:DD:EE:01')).toMatchObject({ source: 'dropship', site_id: 'site-d' });
  });

  it('rekeys only an appliance that checked in, once an hour, retiring its old keys', () => {
    const { s, advance } = store();
    const cooldowns = new Map<string, number>();
    const outcome = claim(s, 'PRESET0000000001');
    if (!outcome.ok) throw new Error('claim failed');
    const request = { site_id: 'preset-site', mac_address: MAC };
    expect(rekey(s, cooldowns, { site_id: 'other', mac_address: MAC })).toEqual({ ok: false, status: 404, detail: 'Unknown appliance' });
    expect(rekey(s, cooldowns, request)).toEqual({ ok: false, status: 404, detail: 'Appliance not provisioned' });
    outcome.appliance.first_checkin = new Date(T0).toISOString();
    const done = rekey(s, cooldowns, request);
    expect(done).toMatchObject({ ok: true, appliance_id: 'preset-site-84:3A:5B:91:B6:61' });
    expect(s.siteOfKey(outcome.apiKey)).toBeUndefined();
    expect(done.ok && s.siteOfKey(done.api_key)).toBe('preset-site');
    advance(HOUR - 1_000);
    expect(rekey(s, cooldowns, request)).toEqual({ ok: false, status: 429, detail: 'Rekey rate limited. Retry in 1s' });
    advance(1_000);
    expect(rekey(s, cooldowns, request).ok).toBe(true);
  });

  it('refuses a rekey whose hardware id does not match the one the claim recorded', () => {
    const { s } = store();
    const outcome = claim(s, 'PRESET0000000001', { hardware_id: 'hw-1' });
    if (!outcome.ok) throw new Error('claim failed');
    outcome.appliance.first_checkin = new Date(T0).toISOString();
    expect(rekey(s, new Map(), { site_id: 'preset-site', mac_address: MAC, hardware_id: 'hw-2' })).toEqual({ ok: false, status: 403, detail: 'Hardware ID mismatch' });
    expect(rekey(s, new Map(), { site_id: 'preset-site', mac_address: MAC, hardware_id: null }).ok).toBe(true);
  });
});

describe('ids as the backend makes them', () => {
  it('makes a site id from a name: lower case, separators as dashes, letters and digits kept, 40 characters, 12 hex', () => {
    expect(siteIdFor('Clinic A.B: Café #1')).toMatch(/^clinic-a-b--café-1-[0-9a-f]{12}$/);
    expect(siteIdFor('x'.repeat(60))).toMatch(new RegExp(`^${'x'.repeat(40)}-[0-9a-f]{12}$`));
  });

  it('normalises a MAC, reads one from a path, and titles a site id as Python does', () => {
    expect(normalizeMac('84-3a.5b:91b661')).toBe('84:3A:5B:91:B6:61');
    expect(macFromPath('84%3a3a-5b')).toBe('84:3A:5B');
    expect(macFromPath('84%zz')).toBe('84%ZZ');
    expect(titleFromSiteId('clinic-abc-3f9a1c')).toBe('Clinic Abc 3F9A1C');
  });
});
