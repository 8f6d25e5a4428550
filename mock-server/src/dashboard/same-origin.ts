import type { Context } from 'koa';
import { HttpError } from '../errors.js';
import { sameSecret } from './secrets.js';
import type { Session } from './sessions.js';

/** The header the dashboard sends its session's CSRF token in (a custom header also forces a CORS preflight cross-origin, which is never granted). */
export const CSRF_HEADER = 'x-csrf-token';
export const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD']);

/**
 * Refuses a browser request that comes from anywhere but this origin: modern browsers say where a
 * request comes from in Sec-Fetch-Site and Origin (a page on another port of the same host is
 * "same-site", and SameSite=Strict would still send it the cookie). With a session, the request
 * must also carry that session's CSRF token. Scripts send neither header and use the bearer token.
 */
export function requireSameOrigin(ctx: Context, session?: Session): void {
  const site = ctx.get('sec-fetch-site');
  if (site !== '' && site !== 'same-origin') throw forbidden();
  const origin = ctx.get('origin');
  // Built here: Koa 3's ctx.origin echoes the request's Origin header rather than naming this server.
  if (origin !== '' && origin !== `${ctx.protocol}://${ctx.host}`) throw forbidden();
  if (session !== undefined && !sameSecret(ctx.get(CSRF_HEADER), session.csrf)) throw forbidden();
}

function forbidden(): HttpError {
  return new HttpError(403, 'Cross-site request refused');
}
