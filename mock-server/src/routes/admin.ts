import Router from '@koa/router';
import type { Middleware } from 'koa';
import { z } from 'zod';
import { guardedSession, type LiveFeed } from '../dashboard/index.js';
import { HttpError, parseOr422 } from '../errors.js';
import { FaultsSchema, type FaultTable } from '../faults.js';
import type { Fixture } from '../fixtures.js';
import { assignMac, type Store } from '../store/index.js';

const MintSchema = z.object({
  partner: z.string().min(1).nullable(),
  client_name: z.string().min(1).max(200).nullable().default(null),
  site_id: z.string().min(1).max(200).optional(),
  expires_in_hours: z.number().positive().max(24 * 365).default(72),
});

const AssignSchema = z.object({
  mac_address: z.string().min(1).max(64),
  site_id: z.string().min(1).max(200),
  clinic_name: z.string().min(1).max(200).optional(),
  partner: z.string().min(1).nullable().optional(),
  ssh_authorized_keys: z.array(z.string().max(16 * 1024)).max(100).default([]),
});

export interface AdminRouteOptions {
  readonly store: Store;
  readonly fixture: Fixture;
  readonly faults: FaultTable;
  /** Bearer token or dashboard session (dashboard/admin-guard.ts). */
  readonly guard: Middleware;
  /** The dashboard's live view, streamed at GET /events. */
  readonly feed: LiveFeed;
}

/**
 * The partner-dashboard side, for labs, tests, demos and the dashboard page: mint and revoke codes,
 * assign drop-ship MACs, list appliances (never their keys), set faults, watch it all live. The
 * guard runs on every path; routes are case-sensitive and strict about slashes, like the guard that
 * protects them, so no spelling of a path can reach a route without passing the guard.
 */
export function adminRoutes({ store, fixture, faults, guard, feed }: AdminRouteOptions): Router {
  const router = new Router({ prefix: '/api/admin', sensitive: true, strict: true });
  router.use(guard);

  router.post('/codes', (ctx) => {
    const request = parseOr422(MintSchema, ctx.request.body, 'body');
    if (request.partner !== null && !fixture.partners.some((p) => p.slug === request.partner)) throw new HttpError(404, 'Unknown partner');
    ctx.status = 201;
    ctx.body = store.mint(request.partner, request.client_name, request.expires_in_hours, request.site_id);
  });
  router.get('/codes', (ctx) => {
    ctx.body = { codes: [...store.codes.values()] };
  });
  router.post('/codes/:code/revoke', (ctx) => {
    const record = store.codes.get(String(ctx.params.code));
    if (record === undefined) throw new HttpError(404, 'Unknown code');
    if (record.status !== 'pending') throw new HttpError(409, `Code is ${record.status}`);
    record.status = 'revoked';
    store.changed('codes');
    ctx.body = record;
  });
  router.get('/appliances', (ctx) => {
    ctx.body = { appliances: [...store.appliances.values()].map((a) => ({ ...a, clinic_name: store.sites.get(a.site_id)?.clinic_name ?? null })) };
  });
  router.post('/appliances/:id/checkin', (ctx) => {
    // What the compliance agent's first check-in records; /rekey refuses appliances without it.
    const appliance = store.appliances.get(String(ctx.params.id));
    if (appliance === undefined) throw new HttpError(404, 'Appliance not found');
    appliance.first_checkin ??= store.isoNow();
    store.changed('checkin', appliance);
    ctx.body = appliance;
  });
  router.get('/heartbeats', (ctx) => {
    ctx.body = { heartbeats: [...store.heartbeats.values()] };
  });
  router.get('/dropship', (ctx) => {
    ctx.body = { dropship: [...store.dropship.values()] };
  });
  router.post('/dropship', (ctx) => {
    const request = parseOr422(AssignSchema, ctx.request.body, 'body');
    if (request.partner !== undefined && request.partner !== null && !fixture.partners.some((p) => p.slug === request.partner)) throw new HttpError(404, 'Unknown partner');
    ctx.body = assignMac(store, request.mac_address, {
      site_id: request.site_id,
      ssh_authorized_keys: request.ssh_authorized_keys,
      ...(request.clinic_name === undefined ? {} : { clinic_name: request.clinic_name }),
      ...(request.partner === undefined ? {} : { partner: request.partner }),
    });
  });
  router.get('/faults', (ctx) => {
    ctx.body = { faults: faults.get() };
  });
  router.put('/faults', (ctx) => {
    faults.set(parseOr422(FaultsSchema, ctx.request.body, 'body'));
    ctx.body = { faults: faults.get() };
  });
  router.get('/events', (ctx) => {
    // The router answers HEAD with GET routes: a HEAD gets the headers, never a stream nobody reads.
    if (ctx.method === 'HEAD') {
      ctx.type = 'text/event-stream';
      ctx.status = 200;
      return;
    }
    feed.open(ctx, guardedSession(ctx));
  });
  return router;
}
