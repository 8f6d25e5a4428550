import Router from '@koa/router';
import type { Context } from 'koa';
import {
  API_ROUTES,
  ClaimRequestSchema,
  HeartbeatRequestSchema,
  RekeyRequestSchema,
  StatusRequestSchema,
  type ApplianceConfigResponse,
  type ClaimResponse,
  type HeartbeatResponse,
  type StatusResponse,
  type UnclaimedResponse,
  type ValidateResponse,
} from '../../../agent-core/src/protocol/contract.js';
import { HttpError, parseOr422, ServerCrash } from '../errors.js';
import type { FaultTable } from '../faults.js';
import type { Fixture } from '../fixtures.js';
import type { Signer } from '../signing.js';
import { macFromPath, pollMac, rekey, type Store } from '../store/index.js';

export interface ProvisionRouteOptions {
  readonly store: Store;
  readonly fixture: Fixture;
  readonly faults: FaultTable;
  readonly signer: Signer;
  /** What claim and drop-ship answer as `api_endpoint` (where the agent reports afterwards), given this server's origin. */
  readonly apiEndpoint: (origin: string) => string;
  /** Reproduce today's backend defects (500s on status reports and long appliance ids); see the fidelity table. */
  readonly quirks: boolean;
  /** `retry_seconds` in unclaimed drop-ship answers (60, as the backend says). */
  readonly dropshipRetrySeconds: number;
  /** The WireGuard hub the backend hands to appliances that send a wg_pubkey. */
  readonly wireguard: { readonly hub_pubkey: string; readonly hub_endpoint: string };
  /** Resolves once the store's last change is saved: a claim is answered only then, so a crash cannot let a code be claimed twice. */
  readonly durable?: () => Promise<void>;
}

/** Statuses the appliances table's CHECK constraint allows; anything else fails the UPDATE (a plain 500). */
const TABLE_STATUSES = new Set(['pending', 'online', 'offline', 'auth_failed', 'decommissioned', 'relocating', 'relocated']);
const BEARER = /^Bearer (\S+)$/;

/** Central Command's /api/provision/* routes with today's semantics, route by route (FIDELITY.md). */
export function provisionRoutes(options: ProvisionRouteOptions): Router {
  const { store, fixture, faults } = options;
  const router = new Router({ sensitive: true, strict: true });
  const partnerExists = (slug: string) => fixture.partners.some((p) => p.slug === slug);
  const partnerOf = (slug: string | null) => fixture.partners.find((p) => p.slug === slug);
  const rekeyCooldowns = new Map<string, number>();
  const wgIps = { next: 2 };

  router.get('/health', faults.middleware('health'), (ctx) => {
    ctx.body = { status: 'ok' };
  });

  router.get(API_ROUTES.validate, faults.middleware('validate'), (ctx) => {
    const outcome = store.validate(String(ctx.params.code), partnerExists);
    const owner = outcome.valid ? partnerOf(outcome.record.partner) : undefined;
    const body: ValidateResponse = outcome.valid
      ? { valid: true, client_name: outcome.record.client_name, partner: { brand_name: owner?.brand_name ?? null, primary_color: owner?.primary_color ?? null } }
      : { valid: false, error: outcome.error };
    ctx.body = body;
  });

  router.post(API_ROUTES.claim, faults.middleware('claim'), async (ctx) => {
    const request = parseOr422(ClaimRequestSchema, ctx.request.body, 'body');
    const outcome = store.claim(request, { partnerExists, quirks: options.quirks });
    if (!outcome.ok) {
      if (outcome.crash === true) throw new ServerCrash(outcome.detail);
      throw new HttpError(outcome.status, outcome.detail);
    }
    if (options.durable !== undefined) await options.durable().catch(() => { throw new ServerCrash('state not saved'); });
    const owner = partnerOf(outcome.code.partner);
    const wireguard = request.wg_pubkey === undefined || request.wg_pubkey === null ? undefined : { ...options.wireguard, ip: `10.100.0.${wgIps.next++}` };
    const body: ClaimResponse = {
      status: 'claimed',
      site_id: outcome.appliance.site_id,
      appliance_id: outcome.appliance.appliance_id,
      api_endpoint: options.apiEndpoint(origin(ctx)),
      api_key: outcome.apiKey,
      partner: { slug: owner?.slug ?? null, brand_name: owner?.brand_name ?? null, primary_color: owner?.primary_color ?? null, logo_url: owner?.logo_url ?? null },
      config: {},
      message: 'Appliance provisioned successfully. Run initial discovery.',
      // pydantic's response model sends its optional fields as null unless the request carried a wg_pubkey.
      wg_hub_pubkey: wireguard?.hub_pubkey ?? null,
      wg_hub_endpoint: wireguard?.hub_endpoint ?? null,
      wg_ip: wireguard?.ip ?? null,
    };
    ctx.body = body;
  });

  router.post(API_ROUTES.status, faults.middleware('status'), (ctx) => {
    const token = BEARER.exec(ctx.get('authorization'))?.[1];
    const keySite = token === undefined ? undefined : store.siteOfKey(token);
    if (keySite === undefined) throw new HttpError(401, 'Missing or invalid Authorization header');
    const request = parseOr422(StatusRequestSchema, ctx.request.body, 'body');
    const appliance = store.appliances.get(request.appliance_id);
    if (appliance === undefined) throw new HttpError(404, 'Appliance not found');
    if (appliance.site_id !== keySite) {
      // Today's backend writes an audit row first, which fails: a 500 where a 403 was meant.
      if (options.quirks) throw new ServerCrash('audit insert failed');
      throw new HttpError(403, 'Site ID mismatch: token does not authorize this site');
    }
    if (options.quirks && !TABLE_STATUSES.has(request.status)) throw new ServerCrash('status violates the appliances table constraint');
    store.updateStatus(appliance, request.status, request.progress_percent, request.message);
    const body: StatusResponse = { status: 'updated', appliance_id: appliance.appliance_id, new_status: request.status };
    ctx.body = body;
  });

  router.post(API_ROUTES.heartbeat, faults.middleware('heartbeat'), (ctx) => {
    const request = parseOr422(HeartbeatRequestSchema, ctx.request.body, 'body');
    if (request.provision_code === undefined || request.provision_code === null || request.provision_code === '') throw new HttpError(401, 'Missing provision_code');
    if (!store.heartbeatCodeAccepted(request.provision_code)) throw new HttpError(403, 'Invalid or expired provision_code');
    const appliance = store.heartbeat({
      mac_address: request.mac_address,
      status: request.status,
      ip_address: ctx.ip,
      ...(request.hostname === undefined || request.hostname === null ? {} : { hostname: request.hostname }),
    });
    const body: HeartbeatResponse = appliance === undefined
      ? { status: 'unknown', message: 'Appliance not provisioned. Use provision code to claim.' }
      : { status: 'known', appliance_id: appliance.appliance_id, site_id: appliance.site_id };
    ctx.body = body;
  });

  router.get(API_ROUTES.config, faults.middleware('config'), (ctx) => {
    const appliance = store.appliances.get(String(ctx.params.appliance_id));
    if (appliance === undefined) throw new HttpError(404, 'Appliance not found');
    const body: ApplianceConfigResponse = {
      appliance_id: appliance.appliance_id,
      site_id: appliance.site_id,
      clinic_name: store.sites.get(appliance.site_id)?.clinic_name ?? null,
      config: { api_endpoint: options.apiEndpoint(origin(ctx)), site_id: appliance.site_id, appliance_id: appliance.appliance_id, ...fixture.appliance_config },
    };
    ctx.body = body;
  });

  router.post(API_ROUTES.rekey, faults.middleware('rekey'), (ctx) => {
    const request = parseOr422(RekeyRequestSchema, ctx.request.body, 'body');
    const outcome = rekey(store, rekeyCooldowns, request);
    if (!outcome.ok) throw new HttpError(outcome.status, outcome.detail);
    ctx.body = { status: 'rekeyed', api_key: outcome.api_key, appliance_id: outcome.appliance_id };
  });

  // Declared last, as on the server: any other GET under /api/provision/ is read as a MAC.
  router.get(API_ROUTES.dropship, faults.middleware('dropship'), (ctx) => {
    const outcome = pollMac(store, macFromPath(String(ctx.params.mac)), options.apiEndpoint(origin(ctx)));
    if (outcome.state === 'unclaimed') {
      const body: UnclaimedResponse = { status: 'unclaimed', mac_address: outcome.mac, retry_seconds: options.dropshipRetrySeconds, message: 'Appliance registered. Waiting for site assignment in the dashboard.' };
      ctx.body = body;
      return;
    }
    ctx.body = { config: outcome.config, signature: options.signer.sign(outcome.config), ...outcome.config };
  });

  return router;
}

function origin(ctx: Context): string {
  return `${ctx.protocol}://${ctx.host}`;
}
