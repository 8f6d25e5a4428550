import { timingSafeEqual } from 'node:crypto';
import Router from '@koa/router';
import { z } from 'zod';
import { HttpError, parseOr422 } from '../errors.js';
import { FaultsSchema, type FaultTable } from '../faults.js';
import type { Fixture } from '../fixtures.js';
import type { Store } from '../store.js';

const MintSchema = z.object({
  partner: z.string().min(1),
  client_name: z.string().min(1).max(200),
  site_id: z.string().min(1).max(200).optional(),
  expires_in_hours: z.number().positive().max(24 * 365).default(72),
});

/** The partner-dashboard side, for labs and tests: mint codes, list appliances, set faults. Bearer token required. */
export function adminRoutes(token: string, store: Store, fixture: Fixture, faults: FaultTable): Router {
  const router = new Router({ prefix: '/api/admin' });
  const expected = Buffer.from(`Bearer ${token}`);
  router.use(async (ctx, next) => {
    const given = Buffer.from(ctx.get('authorization'));
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new HttpError(401, 'Not authenticated', { 'WWW-Authenticate': 'Bearer' });
    }
    await next();
  });

  router.post('/codes', (ctx) => {
    const request = parseOr422(MintSchema, ctx.request.body, 'body');
    if (!fixture.partners.some((p) => p.slug === request.partner)) throw new HttpError(404, 'Unknown partner');
    ctx.status = 201;
    ctx.body = store.mint(request.partner, request.client_name, request.expires_in_hours, request.site_id);
  });
  router.get('/codes', (ctx) => {
    ctx.body = { codes: [...store.codes.keys()].map((code) => store.codeStatus(code)) };
  });
  router.get('/appliances', (ctx) => {
    // The API key is the appliance's credential: even the admin listing never shows it.
    ctx.body = { appliances: [...store.appliances.values()].map(({ api_key: _key, ...rest }) => rest) };
  });
  router.get('/heartbeats', (ctx) => {
    ctx.body = { heartbeats: [...store.heartbeats.values()] };
  });
  router.put('/faults', (ctx) => {
    faults.set(parseOr422(FaultsSchema, ctx.request.body, 'body'));
    ctx.body = { faults: faults.get() };
  });
  return router;
}
