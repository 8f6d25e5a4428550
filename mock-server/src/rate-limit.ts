import type { Context, Next } from 'koa';
import { HttpError } from './errors.js';

export interface RateLimitOptions {
  /** Requests allowed per client in one window. */
  readonly max: number;
  readonly windowMs: number;
}

export const DEFAULT_RATE_LIMIT: RateLimitOptions = { max: 30, windowMs: 60_000 };

/**
 * Fixed-window limit per client address, as the real backend applies to validate and claim so a
 * code cannot be guessed by brute force: past the limit, 429 with Retry-After.
 */
export function rateLimit(options: RateLimitOptions, now: () => number = Date.now) {
  const windows = new Map<string, { start: number; count: number }>();
  return async (ctx: Context, next: Next): Promise<void> => {
    const at = now();
    const key = ctx.ip;
    let window = windows.get(key);
    if (window === undefined || at - window.start >= options.windowMs) {
      window = { start: at, count: 0 };
      windows.set(key, window);
      if (windows.size > 10_000) pruneExpired(windows, at, options.windowMs);
    }
    window.count += 1;
    if (window.count > options.max) {
      const retryAfter = Math.max(1, Math.ceil((window.start + options.windowMs - at) / 1000));
      throw new HttpError(429, 'Too many requests', { 'Retry-After': String(retryAfter) });
    }
    await next();
  };
}

function pruneExpired(windows: Map<string, { start: number }>, at: number, windowMs: number): void {
  for (const [key, window] of windows) if (at - window.start >= windowMs) windows.delete(key);
}
