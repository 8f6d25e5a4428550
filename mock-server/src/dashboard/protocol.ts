/**
 * What the dashboard page receives, written once for the server (view.ts, live-feed.ts) and the
 * Svelte app (the page bundles this file too, so it imports nothing from Node). API keys are not in it
 * and never can be: no type here has a field for one.
 */
import type { CodeRecord, DropshipRecord, HeartbeatRecord, SiteRecord } from '../store/records.js';

export interface PartnerView {
  readonly slug: string;
  readonly brand_name: string | null;
  readonly primary_color: string | null;
}

/** One thing an appliance did, as the dashboard saw it happen. */
export interface StepView {
  /** `claimed`, `drop-ship`, `checked in`, or a status the appliance reported (`configuring`, `active`, `failed`…). */
  readonly status: string;
  readonly progress_percent: number;
  readonly message?: string;
  readonly at: string;
}

export interface ApplianceView {
  readonly appliance_id: string;
  readonly site_id: string;
  readonly clinic_name: string | null;
  readonly partner: string | null;
  readonly mac_address: string;
  readonly hostname?: string;
  readonly status: string;
  readonly progress_percent: number;
  readonly status_message?: string;
  readonly source: 'claim' | 'dropship';
  readonly claimed_at: string;
  /** The last time Central Command heard from it: a status report, a heartbeat or a drop-ship poll. */
  readonly last_contact: string;
  readonly first_checkin?: string;
  readonly steps: readonly StepView[];
}

export type CodeView = CodeRecord;
export type SiteView = SiteRecord;
export type HeartbeatView = HeartbeatRecord;
export type DropshipView = DropshipRecord;

export interface DashboardView {
  readonly partners: readonly PartnerView[];
  readonly codes: readonly CodeView[];
  readonly sites: readonly SiteView[];
  readonly appliances: readonly ApplianceView[];
  readonly heartbeats: readonly HeartbeatView[];
  readonly dropship: readonly DropshipView[];
}

/** The tables that change at run time (partners come from the fixture), and each one's key field. */
export const TABLE_KEYS = {
  codes: 'code',
  sites: 'site_id',
  appliances: 'appliance_id',
  heartbeats: 'mac_address',
  dropship: 'mac_address',
} as const;
export type LiveTable = keyof typeof TABLE_KEYS;

export interface RowOf {
  codes: CodeView;
  sites: SiteView;
  appliances: ApplianceView;
  heartbeats: HeartbeatView;
  dropship: DropshipView;
}

/** A `change` event: rows added or changed, and keys removed, per table (absent tables did not change). */
export interface LiveChange {
  readonly upsert: { readonly [T in LiveTable]?: readonly RowOf[T][] };
  readonly remove: { readonly [T in LiveTable]?: readonly string[] };
}

/** What GET and POST /dashboard/session tell the page: the CSRF token to send back, and when the session ends. Never the cookie. */
export type SessionInfo = { readonly signed_in: true; readonly csrf_token: string; readonly expires_at: string } | { readonly signed_in: false };

/** The event names on /api/admin/events. */
export const LIVE_EVENTS = { snapshot: 'snapshot', change: 'change', signedOut: 'signed-out' } as const;
