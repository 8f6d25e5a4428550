import type { Context, Next } from 'koa';
import { HttpError } from './errors.js';

export interface RateWindow {
  readonly max: number;
  readonly windowMs: number;
}

/** Central Command's limits on POSTs, per client address and Authorization prefix: bursts of 10 a second, 60 a minute, 1000 an hour. */
export const DEFAULT_RATE_LIMIT: readonly RateWindow[] = [
  { max: 10, windowMs: 1_000 },
  { max: 60, windowMs: 60_000 },
  { max: 1000, windowMs: 3_600_000 },
];
export type RateLimitOptions = readonly RateWindow[];

/** How much of the Authorization header tells clients apart (the scheme and the start of the token). */
const AUTH_PREFIX = 20;
const MAX_CLIENTS = 10_000;

/**
 * The backend's rate limiter: POST requests only (GETs are exempt), counted per client address plus
 * the start of its Authorization header in fixed windows; past any window's limit, 429 with
 * `{"detail": "Rate limit exceeded. Please slow down.", "retry_after": N}` and a Retry-After header.
 */
export function rateLimit(windows: RateLimitOptions = DEFAULT_RATE_LIMIT, now: () => number = Date.now, clientOf: (ctx: Context) => string = backendClient) {
  const clients = new Map<string, { start: number; count: number }[]>();
  return async (ctx: Context, next: Next): Promise<void> => {
    if (ctx.method !== 'POST') {
      await next();
      return;
    }
    const at = now();
    const key = clientOf(ctx);
    if (!clients.has(key) && clients.size >= MAX_CLIENTS) prune(clients, at, windows);
    const counters = clients.get(key) ?? windows.map(() => ({ start: at, count: 0 }));
    clients.set(key, counters);
    let retryAfter = 0;
    windows.forEach((window, i) => {
      const counter = counters[i] ?? { start: at, count: 0 };
      if (at - counter.start >= window.windowMs) Object.assign(counter, { start: at, count: 0 });
      counter.count += 1;
      if (counter.count > window.max) retryAfter = Math.max(retryAfter, Math.ceil((counter.start + window.windowMs - at) / 1000));
    });
    if (retryAfter > 0) {
      const seconds = String(Math.max(1, retryAfter));
      throw new HttpError(429, 'Rate limit exceeded. Please slow down.', { 'Retry-After': seconds }, { retry_after: Number(seconds) });
    }
    await next();
  };
}

/** How the backend tells clients apart: address plus the start of the Authorization header. */
function backendClient(ctx: Context): string {
  return `${ctx.ip}|${ctx.get('authorization').slice(0, AUTH_PREFIX)}`;
}

function prune(clients: Map<string, { start: number }[]>, at: number, windows: RateLimitOptions): void {
  const longest = Math.max(...windows.map((w) => w.windowMs));
  for (const [key, counters] of clients) if (counters.every((c) => at - c.start >= longest)) clients.delete(key);
}
