import type { Fixture } from '../fixtures.js';
import type { ApplianceRecord, Store } from '../store/index.js';
import type { ApplianceView, DashboardView, PartnerView } from './protocol.js';
import type { StepLog } from './steps.js';

/**
 * The dashboard's picture of the store. Every row is built field by field from the records the page
 * needs — codes, sites, appliances, heartbeats, the drop-ship queue — so nothing else (the api_keys
 * table above all) can reach the page by accident.
 */
export function dashboardView(store: Store, fixture: Fixture, steps: StepLog): DashboardView {
  const partners: PartnerView[] = fixture.partners.map((p) => ({ slug: p.slug, brand_name: p.brand_name, primary_color: p.primary_color }));
  return {
    partners,
    codes: [...store.codes.values()].map((c) => ({ ...c })),
    sites: [...store.sites.values()].map((s) => ({ ...s })),
    appliances: [...store.appliances.values()].map((a) => applianceView(store, a, steps)),
    heartbeats: [...store.heartbeats.values()].map((h) => ({ ...h })),
    dropship: [...store.dropship.values()].map((d) => ({ ...d, ssh_authorized_keys: [...d.ssh_authorized_keys] })),
  };
}

function applianceView(store: Store, appliance: ApplianceRecord, steps: StepLog): ApplianceView {
  const site = store.sites.get(appliance.site_id);
  const beat = store.heartbeats.get(appliance.mac_address);
  const contacts = [appliance.claimed_at, appliance.last_seen, beat?.last_seen, store.dropship.get(appliance.mac_address)?.last_poll];
  return {
    appliance_id: appliance.appliance_id,
    site_id: appliance.site_id,
    clinic_name: site?.clinic_name ?? null,
    partner: site?.partner ?? null,
    mac_address: appliance.mac_address,
    ...(appliance.hostname === undefined ? {} : { hostname: appliance.hostname }),
    status: appliance.status,
    progress_percent: appliance.progress_percent,
    ...(appliance.status_message === undefined ? {} : { status_message: appliance.status_message }),
    source: appliance.source,
    claimed_at: appliance.claimed_at,
    last_contact: latest(contacts),
    ...(appliance.first_checkin === undefined ? {} : { first_checkin: appliance.first_checkin }),
    steps: [...steps.of(appliance.appliance_id)],
  };
}

/** The latest of some ISO timestamps (all from the same clock, so they compare as text). */
function latest(times: readonly (string | undefined)[]): string {
  return times.reduce<string>((a, b) => (b !== undefined && b > a ? b : a), '');
}
