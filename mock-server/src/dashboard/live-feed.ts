import type { ServerResponse } from 'node:http';
import type { Context } from 'koa';
import { HttpError } from '../errors.js';
import type { Store } from '../store/index.js';
import { COALESCE_MS, KEEPALIVE_MS, MAX_VIEWERS, RECONNECT_MS, SLOW_VIEWER_BYTES } from './limits.js';
import { LIVE_EVENTS, type DashboardView } from './protocol.js';
import type { Session, SessionStore } from './sessions.js';
import { ViewDiff } from './view-diff.js';

interface Viewer {
  readonly res: ServerResponse;
  /** Undefined for a script using the bearer token; its stream is not tied to a sign-in. */
  readonly session: Session | undefined;
}

export interface LiveFeedOptions {
  readonly coalesceMs?: number;
  readonly keepaliveMs?: number;
}

/**
 * Server-Sent Events of the dashboard's view: the whole view when a viewer connects, then one
 * compact `change` per burst of store changes, built and serialised once for every viewer. Comment
 * lines keep quiet streams open; a viewer whose session ends is told and cut off; a viewer that
 * stops reading is dropped rather than buffered for ever.
 */
export class LiveFeed {
  readonly #viewers = new Set<Viewer>();
  readonly #view: () => DashboardView;
  readonly #sessions: SessionStore;
  readonly #coalesceMs: number;
  readonly #keepaliveMs: number;
  /** Undefined while nobody watches: then no view is built or compared at all. */
  #diff: ViewDiff | undefined;
  #snapshot: string | undefined;
  #flushTimer: NodeJS.Timeout | undefined;
  #keepaliveTimer: NodeJS.Timeout | undefined;
  #sequence = 0;

  constructor(store: Store, view: () => DashboardView, sessions: SessionStore, options: LiveFeedOptions = {}) {
    this.#view = view;
    this.#sessions = sessions;
    this.#coalesceMs = options.coalesceMs ?? COALESCE_MS;
    this.#keepaliveMs = options.keepaliveMs ?? KEEPALIVE_MS;
    store.onChange(() => { this.#schedule(); });
    sessions.onEnd((ended) => {
      for (const viewer of this.#viewers) if (viewer.session === ended) this.#signOut(viewer);
    });
  }

  get viewers(): number {
    return this.#viewers.size;
  }

  /** Answers the request with the stream (the route's guard has already let it in). */
  open(ctx: Context, session: Session | undefined): void {
    if (this.#viewers.size >= MAX_VIEWERS) throw new HttpError(503, 'Too many live views open');
    if (this.#flushTimer !== undefined) this.#flush();
    if (this.#diff === undefined) {
      // The first viewer: what it is sent is the baseline later changes are measured against.
      const view = this.#view();
      this.#diff = new ViewDiff();
      this.#diff.next(view);
      this.#snapshot = JSON.stringify(view);
    }
    // Built once per change however many viewers connect.
    this.#snapshot ??= JSON.stringify(this.#view());
    ctx.respond = false;
    ctx.req.socket.setNoDelay(true);
    const viewer: Viewer = { res: ctx.res, session };
    ctx.res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    this.#viewers.add(viewer);
    ctx.res.on('close', () => { this.#drop(viewer); });
    this.#write(viewer, `retry: ${RECONNECT_MS}\nid: ${this.#sequence}\nevent: ${LIVE_EVENTS.snapshot}\ndata: ${this.#snapshot}\n\n`);
    this.#keepaliveTimer ??= setInterval(() => { this.#keepalive(); }, this.#keepaliveMs).unref();
  }

  /** Ends every stream (the server is closing). */
  close(): void {
    for (const viewer of this.#viewers) viewer.res.end();
    this.#stopTimers();
  }

  #schedule(): void {
    if (this.#diff === undefined || this.#flushTimer !== undefined) return;
    this.#flushTimer = setTimeout(() => { this.#flush(); }, this.#coalesceMs).unref();
  }

  #flush(): void {
    clearTimeout(this.#flushTimer);
    this.#flushTimer = undefined;
    const change = this.#diff?.next(this.#view());
    if (change === undefined) return;
    this.#snapshot = undefined;
    this.#sequence += 1;
    const frame = `id: ${this.#sequence}\nevent: ${LIVE_EVENTS.change}\ndata: ${JSON.stringify(change)}\n\n`;
    for (const viewer of this.#viewers) this.#write(viewer, frame);
  }

  #keepalive(): void {
    for (const viewer of this.#viewers) {
      if (viewer.session === undefined) this.#write(viewer, ': keep-alive\n\n');
      else if (this.#sessions.isLive(viewer.session)) {
        this.#sessions.touch(viewer.session);
        this.#write(viewer, ': keep-alive\n\n');
      } else this.#sessions.end(viewer.session);
    }
  }

  #signOut(viewer: Viewer): void {
    viewer.res.end(`event: ${LIVE_EVENTS.signedOut}\ndata: {}\n\n`);
    this.#drop(viewer);
  }

  #write(viewer: Viewer, frame: string): void {
    viewer.res.write(frame);
    if (viewer.res.writableLength > SLOW_VIEWER_BYTES) viewer.res.destroy();
  }

  #drop(viewer: Viewer): void {
    if (!this.#viewers.delete(viewer) || this.#viewers.size > 0) return;
    // Nobody is watching: stop building views until someone is.
    this.#stopTimers();
    this.#diff = undefined;
    this.#snapshot = undefined;
  }

  #stopTimers(): void {
    clearTimeout(this.#flushTimer);
    clearInterval(this.#keepaliveTimer);
    this.#flushTimer = undefined;
    this.#keepaliveTimer = undefined;
  }
}
