import type Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { HttpError, parseOr422 } from '../errors.js';
import { rateLimit } from '../rate-limit.js';
import { LOGIN_ATTEMPTS } from './limits.js';
import type { SessionInfo } from './protocol.js';
import { requireSameOrigin } from './same-origin.js';
import { clearSessionCookie, sessionOf, setSessionCookie } from './session-cookie.js';
import { sameSecret } from './secrets.js';
import type { Session, SessionStore } from './sessions.js';

/** Longer than any sensible token; a bigger body is not a sign-in. */
const TOKEN_MAX = 1024;
const SignInSchema = z.object({ token: z.string().min(1).max(TOKEN_MAX) });


/**
 * POST /dashboard/session signs in with the admin token (JSON body, never a URL), GET says whether
 * the cookie is still good, DELETE signs out. Sign-in attempts are limited per client address
 * (the Authorization header plays no part, so it cannot be varied to get a fresh allowance).
 */
export function sessionRoutes(router: Router, token: string, sessions: SessionStore, now: () => number): void {
  const limiter = rateLimit(LOGIN_ATTEMPTS, now, (ctx) => ctx.ip);
  const info = (session: Session): SessionInfo => ({ signed_in: true, csrf_token: session.csrf, expires_at: new Date(sessions.expiresAt(session)).toISOString() });

  router.post('/dashboard/session', limiter, (ctx) => {
    // No session yet, so no CSRF token: the origin check alone stops a page elsewhere signing this browser in.
    requireSameOrigin(ctx);
    const request = parseOr422(SignInSchema, ctx.request.body, 'body');
    if (!sameSecret(request.token, token)) throw new HttpError(401, 'Wrong admin token');
    const previous = sessionOf(ctx, sessions);
    if (previous !== undefined) sessions.end(previous);
    const { cookie, session } = sessions.create();
    setSessionCookie(ctx, cookie);
    noStore(ctx);
    ctx.status = 201;
    ctx.body = info(session);
  });

  // Not signed in is an ordinary answer here (200), not an error: the page asks before it knows.
  router.get('/dashboard/session', (ctx) => {
    noStore(ctx);
    const session = sessionOf(ctx, sessions);
    ctx.body = session === undefined ? ({ signed_in: false } satisfies SessionInfo) : info(session);
  });

  router.delete('/dashboard/session', (ctx) => {
    const session = signedIn(ctx, sessions);
    requireSameOrigin(ctx, session);
    sessions.end(session);
    clearSessionCookie(ctx);
    ctx.status = 204;
  });
}

function signedIn(ctx: Context, sessions: SessionStore): Session {
  const session = sessionOf(ctx, sessions);
  if (session === undefined) throw new HttpError(401, 'Not signed in');
  return session;
}

function noStore(ctx: Context): void {
  ctx.set('Cache-Control', 'no-store');
}
