import type { Context, Next } from 'koa';
import { z } from 'zod';

/** An error answered FastAPI-style: `{"detail": …}` with a status. */
export class HttpError extends Error {
  readonly status: number;
  readonly detail: unknown;
  readonly headers: Record<string, string>;
  /** Fields beside `detail` (the rate limiter's `retry_after`). */
  readonly extra: Record<string, unknown>;
  constructor(status: number, detail: unknown, headers: Record<string, string> = {}, extra: Record<string, unknown> = {}) {
    super(typeof detail === 'string' ? detail : `HTTP ${status}`);
    this.status = status;
    this.detail = detail;
    this.headers = headers;
    this.extra = extra;
  }
}

/**
 * What an unhandled exception in the backend looks like from outside: Starlette's plain-text
 * "Internal Server Error", not JSON — the appliance must cope with it (today's database defects).
 */
export class ServerCrash extends Error {}

/** Every error leaves as JSON `{detail}`; anything unexpected is a 500 that says nothing more. */
export async function errorBodies(ctx: Context, next: Next): Promise<void> {
  try {
    await next();
    if (ctx.status === 404 && ctx.body === undefined) {
      ctx.status = 404;
      ctx.body = { detail: 'Not Found' };
    }
  } catch (err) {
    if (err instanceof HttpError) {
      ctx.status = err.status;
      ctx.set(err.headers);
      ctx.body = { detail: err.detail, ...err.extra };
      return;
    }
    ctx.status = 500;
    ctx.type = 'text/plain';
    ctx.body = 'Internal Server Error';
    if (!(err instanceof ServerCrash)) ctx.app.emit('error', err, ctx);
  }
}

/** Parses with a shared contract schema or answers 422 the way FastAPI does. */
export function parseOr422<T>(schema: z.core.$ZodType<T>, value: unknown, location: 'body' | 'path'): T {
  const parsed = z.safeParse(schema, value);
  if (parsed.success) return parsed.data;
  const detail = parsed.error.issues.map((issue) => ({
    loc: [location, ...issue.path.map(String)],
    msg: issue.message,
    type: issue.code,
  }));
  throw new HttpError(422, detail);
}
