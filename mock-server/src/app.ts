import Router from '@koa/router';
import Koa from 'koa';
import { errorBodies } from './errors.js';
import { jsonBody } from './json-body.js';
import { FaultTable, type Faults } from './faults.js';
import { defaultFixture, type Fixture } from './fixtures.js';
import { DEFAULT_RATE_LIMIT, rateLimit, type RateLimitOptions } from './rate-limit.js';
import { createDashboard, dashboardOffRoutes, type Dashboard } from './dashboard/index.js';
import type { LiveFeedOptions } from './dashboard/live-feed.js';
import { adminRoutes } from './routes/admin.js';
import { provisionRoutes } from './routes/provision.js';
import { signerFromSeed, type Signer } from './signing.js';
import { Store } from './store/index.js';

export interface MockServerOptions {
  readonly fixture?: Fixture;
  /** A store to serve (restored from a state file, or shared with a test); built from the fixture otherwise. */
  readonly store?: Store;
  /** Enables the admin API with this bearer token; without it the admin routes do not exist. */
  readonly adminToken?: string;
  /** Limits on POSTs per client; false turns them off (tests, benchmarks, load tests). */
  readonly rateLimit?: RateLimitOptions | false;
  readonly faults?: Faults;
  /** The `api_endpoint` claims and drop-ship answer with; this server's own origin by default. */
  readonly apiEndpoint?: string;
  /** Reproduce today's backend defects (FIDELITY.md, "Known defects"); off by default. */
  readonly realQuirks?: boolean;
  /** Signs drop-ship configs; the fixture's test key by default (never Central Command's). */
  readonly signer?: Signer;
  readonly dropshipRetrySeconds?: number;
  /** Largest accepted request body, in bytes. */
  readonly bodyLimit?: number;
  /** Trust X-Forwarded-For for the client address (behind a reverse proxy in a lab). */
  readonly proxy?: boolean;
  readonly now?: () => number;
  /** Resolves once the last change is on disk (a state file); a claim is answered only after it. */
  readonly durable?: () => Promise<void>;
  /** The built dashboard app (served at /dashboard/ with an admin token); `<repo>/dist/dashboard` by default. */
  readonly dashboardDir?: string;
  /** Test seam: the live feed's coalescing and keep-alive periods. */
  readonly live?: LiveFeedOptions;
}

export interface MockApp {
  readonly app: Koa;
  readonly store: Store;
  readonly faults: FaultTable;
  readonly fixture: Fixture;
  readonly signer: Signer;
  /** The partner dashboard, present when the admin API is on. */
  readonly dashboard?: Dashboard;
}

export const DEFAULT_BODY_LIMIT = 16 * 1024;
export const DEFAULT_DROPSHIP_RETRY_SECONDS = 60;
/** A documentation-range hub for labs: real appliances get Central Command's own. */
const LAB_WIREGUARD = { hub_pubkey: 'b3NpcmlzLW1vY2std2lyZWd1YXJkLWh1Yi1rZXkwMDA=', hub_endpoint: '192.0.2.10:51820' } as const;

/** The mock Central Command as a Koa app; never listens (see server.ts), so tests can drive it on port 0. */
export function createApp(options: MockServerOptions = {}): MockApp {
  const fixture = options.fixture ?? defaultFixture();
  const store = options.store ?? Store.fromFixture(fixture, options.now);
  const faults = new FaultTable(options.faults);
  const signer = options.signer ?? signerFromSeed(fixture.signing_key);
  const app = new Koa({ proxy: options.proxy === true });
  app.silent = true;

  app.use(errorBodies);
  const limits = options.rateLimit ?? DEFAULT_RATE_LIMIT;
  if (limits !== false) {
    const limiter = rateLimit(limits, options.now);
    app.use((ctx, next) => (ctx.path.startsWith('/api/provision/') ? limiter(ctx, next) : next()));
  }
  app.use(jsonBody(options.bodyLimit ?? DEFAULT_BODY_LIMIT));
  const provision = provisionRoutes({
    store,
    fixture,
    faults,
    signer,
    quirks: options.realQuirks === true,
    dropshipRetrySeconds: options.dropshipRetrySeconds ?? DEFAULT_DROPSHIP_RETRY_SECONDS,
    wireguard: LAB_WIREGUARD,
    apiEndpoint: (origin) => options.apiEndpoint ?? origin,
    ...(options.durable === undefined ? {} : { durable: options.durable }),
  });
  app.use(provision.routes()).use(provision.allowedMethods());
  let dashboard: Dashboard | undefined;
  if (options.adminToken !== undefined && options.adminToken !== '') {
    dashboard = createDashboard({
      token: options.adminToken,
      store,
      fixture,
      ...(options.dashboardDir === undefined ? {} : { dir: options.dashboardDir }),
      ...(options.now === undefined ? {} : { now: options.now }),
      ...(options.live === undefined ? {} : { live: options.live }),
    });
    const admin = adminRoutes({ store, fixture, faults, guard: dashboard.guard, feed: dashboard.feed });
    app.use(dashboard.router.routes()).use(dashboard.router.allowedMethods());
    app.use(admin.routes()).use(admin.allowedMethods());
  } else {
    const off = new Router({ sensitive: true, strict: true });
    dashboardOffRoutes(off);
    app.use(off.routes());
  }
  return { app, store, faults, fixture, signer, ...(dashboard === undefined ? {} : { dashboard }) };
}
