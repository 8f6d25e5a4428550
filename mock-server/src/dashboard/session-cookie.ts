import type { Context } from 'koa';
import { SESSION_MAX_AGE_MS } from './limits.js';
import type { Session, SessionStore } from './sessions.js';

/** The one cookie: HttpOnly (no script reads it), SameSite=Strict (no other site sends it), whole-origin path (the admin API is under /api/admin). */
export const SESSION_COOKIE = 'osiris_dashboard_session';

export function setSessionCookie(ctx: Context, value: string): void {
  ctx.cookies.set(SESSION_COOKIE, value, { httpOnly: true, sameSite: 'strict', secure: ctx.secure, path: '/', maxAge: SESSION_MAX_AGE_MS, overwrite: true });
}

export function clearSessionCookie(ctx: Context): void {
  ctx.cookies.set(SESSION_COOKIE, '', { httpOnly: true, sameSite: 'strict', secure: ctx.secure, path: '/', maxAge: 0, overwrite: true });
}

/** The live session the request's cookie names (and marks it used), if any. */
export function sessionOf(ctx: Context, sessions: SessionStore): Session | undefined {
  return sessions.use(ctx.cookies.get(SESSION_COOKIE));
}
