import type { Context, Next } from 'koa';
import { HttpError } from '../errors.js';
import { SAFE_METHODS, requireSameOrigin } from './same-origin.js';
import { sessionOf } from './session-cookie.js';
import { sameSecret } from './secrets.js';
import type { Session, SessionStore } from './sessions.js';

/**
 * Who may use /api/admin/*: a script with `Authorization: Bearer <token>`, or the dashboard with its
 * session cookie — and then, to change anything, from this origin with the session's CSRF token.
 * A request that sends an Authorization header is judged by it alone: a wrong token is never
 * rescued by a cookie riding along.
 */
/** The session each request was let in with (none for the bearer token), for routes that hold on to it. */
const sessionsByRequest = new WeakMap<Context, Session>();

export function guardedSession(ctx: Context): Session | undefined {
  return sessionsByRequest.get(ctx);
}

export function adminGuard(token: string, sessions: SessionStore) {
  const expected = `Bearer ${token}`;
  return async (ctx: Context, next: Next): Promise<void> => {
    const authorization = ctx.get('authorization');
    if (authorization !== '') {
      if (!sameSecret(authorization, expected)) throw notAuthenticated();
    } else {
      const session = sessionOf(ctx, sessions);
      if (session === undefined) throw notAuthenticated();
      if (!SAFE_METHODS.has(ctx.method)) requireSameOrigin(ctx, session);
      sessionsByRequest.set(ctx, session);
    }
    ctx.set('Cache-Control', 'no-store');
    await next();
  };
}

function notAuthenticated(): HttpError {
  return new HttpError(401, 'Not authenticated', { 'WWW-Authenticate': 'Bearer' });
}
