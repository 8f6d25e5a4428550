import Router from '@koa/router';
import type { Middleware } from 'koa';
import {
  API_ROUTES,
  ClaimRequestSchema,
  HeartbeatRequestSchema,
  IdentifierSchema,
  StatusRequestSchema,
  type ClaimResponse,
  type HeartbeatResponse,
  type StatusResponse,
  type ValidateResponse,
} from '../../../agent-core/src/protocol/contract.js';
import { HttpError, parseOr422 } from '../errors.js';
import type { FaultTable } from '../faults.js';
import type { Fixture } from '../fixtures.js';
import type { Store } from '../store.js';

export interface ProvisionRouteOptions {
  readonly store: Store;
  readonly fixture: Fixture;
  readonly faults: FaultTable;
  /** Guards validate and claim (rate limit); undefined leaves them open. */
  readonly guard?: Middleware;
  /** What claim answers as `api_endpoint` (where the agent reports afterwards), given this server's origin. */
  readonly apiEndpoint: (origin: string) => string;
}

const REJECTIONS = {
  invalid: { status: 404, detail: 'Invalid provision code' },
  expired: { status: 400, detail: 'Provision code expired' },
  claimed: { status: 400, detail: 'Provision code already claimed' },
} as const;

/** The five /api/provision/* endpoints with Central Command's semantics. */
export function provisionRoutes(options: ProvisionRouteOptions): Router {
  const { store, fixture, faults } = options;
  const router = new Router();
  const guard: Middleware = options.guard ?? (async (_ctx, next) => { await next(); });
  const partner = (slug: string) => {
    const found = fixture.partners.find((p) => p.slug === slug);
    if (found === undefined) throw new HttpError(500, `partner ${slug} missing from fixture`);
    return found;
  };

  router.get('/health', faults.middleware('health'), (ctx) => {
    ctx.body = { status: 'ok' };
  });

  router.get(API_ROUTES.validate, faults.middleware('validate'), guard, (ctx) => {
    const record = store.codeStatus(String(ctx.params.code).toUpperCase());
    let body: ValidateResponse;
    if (record === undefined) body = { valid: false, error: REJECTIONS.invalid.detail };
    else if (record.status !== 'pending') body = { valid: false, error: REJECTIONS[record.status].detail };
    else {
      const owner = partner(record.partner);
      body = {
        valid: true,
        client_name: record.client_name,
        partner: { slug: owner.slug, brand_name: owner.brand_name, primary_color: owner.primary_color },
        ...(record.expires_at === undefined ? {} : { expires_at: record.expires_at }),
      };
    }
    ctx.body = body;
  });

  router.post(API_ROUTES.claim, faults.middleware('claim'), guard, (ctx) => {
    const request = parseOr422(ClaimRequestSchema, ctx.request.body, 'body');
    const outcome = store.claim(request.provision_code, request.mac_address, request.hostname, request.hardware_id);
    if (!outcome.ok) {
      const rejection = REJECTIONS[outcome.reason];
      throw new HttpError(rejection.status, rejection.detail);
    }
    const { appliance } = outcome;
    const owner = partner(appliance.partner);
    const body: ClaimResponse & Record<string, unknown> = {
      status: 'claimed',
      site_id: appliance.site_id,
      appliance_id: appliance.appliance_id,
      partner: { slug: owner.slug, brand_name: owner.brand_name, primary_color: owner.primary_color, ...(owner.logo_url === undefined ? {} : { logo_url: owner.logo_url }) },
      api_endpoint: options.apiEndpoint(`${ctx.protocol}://${ctx.host}`),
      api_key: appliance.api_key,
      config: fixture.appliance_config,
      message: `Appliance registered to ${appliance.client_name}`,
      // The real backend also sends fields this client does not use; keep the client honest about ignoring them.
      wireguard_enabled: false,
      wireguard_hub_pubkey: null,
    };
    ctx.body = body;
  });

  router.post(API_ROUTES.status, faults.middleware('status'), (ctx) => {
    const request = parseOr422(StatusRequestSchema, ctx.request.body, 'body');
    const appliance = store.updateStatus(request.appliance_id, request.status, request.progress_percent, request.message);
    if (appliance === undefined) throw new HttpError(404, 'Appliance not found');
    const body: StatusResponse = { status: 'updated', appliance_id: appliance.appliance_id, new_status: request.status };
    ctx.body = body;
  });

  router.post(API_ROUTES.heartbeat, faults.middleware('heartbeat'), (ctx) => {
    const request = parseOr422(HeartbeatRequestSchema, ctx.request.body, 'body');
    const appliance = store.heartbeat({
      mac_address: request.mac_address,
      status: request.status,
      ...(request.hostname === undefined ? {} : { hostname: request.hostname }),
      ...(request.ip_address === undefined ? {} : { ip_address: request.ip_address }),
    });
    const body: HeartbeatResponse = appliance === undefined
      ? { status: 'unknown', message: 'Appliance not yet provisioned' }
      : { status: 'known', appliance_id: appliance.appliance_id, site_id: appliance.site_id };
    ctx.body = body;
  });

  router.get(API_ROUTES.config, faults.middleware('config'), (ctx) => {
    const applianceId = parseOr422(IdentifierSchema, ctx.params.appliance_id, 'path');
    const appliance = store.appliances.get(applianceId);
    if (appliance === undefined) throw new HttpError(404, 'Appliance not found');
    ctx.body = { appliance_id: appliance.appliance_id, site_id: appliance.site_id, clinic_name: appliance.client_name, config: fixture.appliance_config };
  });

  return router;
}
