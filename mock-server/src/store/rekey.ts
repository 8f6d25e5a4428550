import { normalizeMac } from './ids.js';
import type { Store } from './store.js';

/** One rekey per appliance per hour, kept in memory as the backend does. */
export const REKEY_COOLDOWN_MS = 3_600_000;

export type RekeyOutcome =
  | { readonly ok: true; readonly api_key: string; readonly appliance_id: string }
  | { readonly ok: false; readonly status: number; readonly detail: string };

/**
 * POST /rekey: a new key for an appliance that lost its own, trusted by MAC + site_id (and the
 * hardware id when both sides have one) — only for an appliance that has checked in before, so it
 * cannot recover a claim answer lost on the way.
 */
export function rekey(store: Store, cooldowns: Map<string, number>, request: { site_id: string; mac_address: string; hardware_id?: string | null | undefined }): RekeyOutcome {
  const applianceId = `${request.site_id}-${normalizeMac(request.mac_address)}`;
  const last = cooldowns.get(applianceId);
  const now = store.now();
  if (last !== undefined && now - last < REKEY_COOLDOWN_MS) {
    return { ok: false, status: 429, detail: `Rekey rate limited. Retry in ${Math.floor((REKEY_COOLDOWN_MS - (now - last)) / 1000)}s` };
  }
  const appliance = store.appliances.get(applianceId);
  if (appliance === undefined || appliance.site_id !== request.site_id) return { ok: false, status: 404, detail: 'Unknown appliance' };
  if (appliance.first_checkin === undefined) return { ok: false, status: 404, detail: 'Appliance not provisioned' };
  const stored = store.sites.get(request.site_id)?.hardware_id;
  // Compared only when both are there, by truth as Python does (`if stored and given and stored != given`): '' is none.
  if (stored !== undefined && stored !== '' && request.hardware_id !== undefined && request.hardware_id !== null && request.hardware_id !== '' && stored !== request.hardware_id) {
    return { ok: false, status: 403, detail: 'Hardware ID mismatch' };
  }
  for (const key of store.apiKeys.values()) if (key.site_id === request.site_id) key.active = false;
  const apiKey = store.issueKey(request.site_id);
  cooldowns.set(applianceId, now);
  store.changed('rekey');
  return { ok: true, api_key: apiKey, appliance_id: applianceId };
}
