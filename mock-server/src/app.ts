import Koa from 'koa';
import { errorBodies } from './errors.js';
import { jsonBody } from './json-body.js';
import { FaultTable, type Faults } from './faults.js';
import { defaultFixture, type Fixture } from './fixtures.js';
import { DEFAULT_RATE_LIMIT, rateLimit, type RateLimitOptions } from './rate-limit.js';
import { adminRoutes } from './routes/admin.js';
import { provisionRoutes } from './routes/provision.js';
import { Store } from './store.js';

export interface MockServerOptions {
  readonly fixture?: Fixture;
  /** A store to serve (restored from a state file, or shared with a test); built from the fixture otherwise. */
  readonly store?: Store;
  /** Enables the admin API with this bearer token; without it the admin routes do not exist. */
  readonly adminToken?: string;
  /** Per-client limit on validate and claim; false turns it off (benchmarks, load tests). */
  readonly rateLimit?: RateLimitOptions | false;
  readonly faults?: Faults;
  /** The `api_endpoint` claim answers with; this server's own origin by default. */
  readonly apiEndpoint?: string;
  /** Largest accepted request body, in bytes. */
  readonly bodyLimit?: number;
  /** Trust X-Forwarded-For for the client address (behind a reverse proxy in a lab). */
  readonly proxy?: boolean;
  readonly now?: () => number;
}

export interface MockApp {
  readonly app: Koa;
  readonly store: Store;
  readonly faults: FaultTable;
  readonly fixture: Fixture;
}

export const DEFAULT_BODY_LIMIT = 16 * 1024;

/** The mock Central Command as a Koa app; never listens (see server.ts), so tests can drive it on port 0. */
export function createApp(options: MockServerOptions = {}): MockApp {
  const fixture = options.fixture ?? defaultFixture();
  const store = options.store ?? Store.fromFixture(fixture, options.now);
  const faults = new FaultTable(options.faults);
  const app = new Koa({ proxy: options.proxy === true });
  app.silent = true;

  app.use(errorBodies);
  app.use(jsonBody(options.bodyLimit ?? DEFAULT_BODY_LIMIT));
  const limits = options.rateLimit ?? DEFAULT_RATE_LIMIT;
  const provision = provisionRoutes({
    store,
    fixture,
    faults,
    apiEndpoint: (origin) => options.apiEndpoint ?? origin,
    ...(limits === false ? {} : { guard: rateLimit(limits, options.now) }),
  });
  app.use(provision.routes()).use(provision.allowedMethods());
  if (options.adminToken !== undefined && options.adminToken !== '') {
    const admin = adminRoutes(options.adminToken, store, fixture, faults);
    app.use(admin.routes()).use(admin.allowedMethods());
  }
  return { app, store, faults, fixture };
}
