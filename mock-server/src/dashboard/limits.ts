/** Every timeout and limit of the dashboard's server side, in one place. */

/** A session ends this long after sign-in, whatever happens: a shared lab laptop does not stay signed in overnight. */
export const SESSION_MAX_AGE_MS = 8 * 60 * 60 * 1000;
/** …and earlier, after this long without a request (an open live view counts as use). */
export const SESSION_IDLE_MS = 30 * 60 * 1000;
/** Sessions kept at once; signing in past it ends the one used least recently. */
export const MAX_SESSIONS = 200;

/** Sign-in attempts per client address: a 32-character token cannot be guessed at this pace. */
export const LOGIN_ATTEMPTS = [
  { max: 5, windowMs: 60_000 },
  { max: 30, windowMs: 60 * 60_000 },
] as const;

/** Store changes closer together than this leave as one event (a claim is three changes in a few ms). */
export const COALESCE_MS = 40;
/** A comment line this often keeps proxies and idle-connection reapers from closing a quiet stream. */
export const KEEPALIVE_MS = 15_000;
/** What EventSource waits before reconnecting after a dropped stream. */
export const RECONNECT_MS = 2_000;
/** A viewer this far behind (bytes queued, not yet taken by its socket) is cut off, not buffered for ever. */
export const SLOW_VIEWER_BYTES = 4 * 1024 * 1024;
/** Steps remembered per appliance (a heartbeat storm must not grow the log without end). */
export const MAX_STEPS = 50;
/** Live views open at once; past it a new one is refused (503) rather than starving the backend. */
export const MAX_VIEWERS = 1_000;
