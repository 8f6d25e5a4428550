import Router from '@koa/router';
import type { Fixture } from '../fixtures.js';
import type { Store } from '../store/index.js';
import { adminGuard } from './admin-guard.js';
import { LiveFeed, type LiveFeedOptions } from './live-feed.js';
import { pageRoutes } from './page-routes.js';
import { sessionRoutes } from './session-routes.js';
import { SessionStore } from './sessions.js';
import { DashboardFiles } from './static-files.js';
import { StepLog } from './steps.js';
import { dashboardView } from './view.js';

export { dashboardOffRoutes, DASHBOARD_PATH, NOT_BUILT_MESSAGE } from './page-routes.js';
export { guardedSession } from './admin-guard.js';
export type { LiveFeed } from './live-feed.js';

export interface DashboardOptions {
  readonly token: string;
  readonly store: Store;
  readonly fixture: Fixture;
  /** The built app; `<repo>/dist/dashboard` by default. */
  readonly dir?: string;
  readonly now?: () => number;
  readonly live?: LiveFeedOptions;
}

/** The partner dashboard's server side: its page, its sign-in, the admin API's guard and the live feed. */
export interface Dashboard {
  readonly sessions: SessionStore;
  readonly feed: LiveFeed;
  readonly files: DashboardFiles;
  /** Lets a request into /api/admin/* by bearer token or by session cookie (plus CSRF checks). */
  readonly guard: ReturnType<typeof adminGuard>;
  readonly router: Router;
  close(): void;
}

export function createDashboard(options: DashboardOptions): Dashboard {
  const sessions = new SessionStore(options.now);
  const steps = new StepLog(options.store);
  const feed = new LiveFeed(options.store, () => dashboardView(options.store, options.fixture, steps), sessions, options.live);
  const files = new DashboardFiles(options.dir);
  // Case-sensitive and strict like the admin routes: one spelling per path, nothing slips past a check.
  const router = new Router({ sensitive: true, strict: true });
  pageRoutes(router, files);
  sessionRoutes(router, options.token, sessions, options.now ?? Date.now);
  return { sessions, feed, files, guard: adminGuard(options.token, sessions), router, close: () => { feed.close(); } };
}
