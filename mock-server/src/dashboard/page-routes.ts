import type Router from '@koa/router';
import type { Context } from 'koa';
import { ASSET_CACHE, type DashboardFiles } from './static-files.js';
import { setPageHeaders } from './page-headers.js';

export const DASHBOARD_PATH = '/dashboard/';
export const NOT_BUILT_MESSAGE = 'The dashboard is not built: run `npm run build` in the project folder, then reload.';

/**
 * The built app at /dashboard/: its page, its hashed assets and its icon, nothing else. Names are
 * checked before any file is opened (static-files.ts), and the router is case-sensitive and strict.
 */
export function pageRoutes(router: Router, files: DashboardFiles): void {
  router.get('/dashboard', (ctx) => {
    ctx.redirect(DASHBOARD_PATH);
    ctx.status = 308;
  });
  router.get(DASHBOARD_PATH, (ctx) => serve(ctx, files, '', 'index.html'));
  router.get('/dashboard/favicon.svg', (ctx) => serve(ctx, files, '', 'favicon.svg'));
  router.get('/dashboard/assets/:file', (ctx) => serve(ctx, files, 'assets', String(ctx.params.file)));
}

async function serve(ctx: Context, files: DashboardFiles, folder: '' | 'assets', name: string): Promise<void> {
  const file = await files.read(folder, name);
  setPageHeaders(ctx);
  if (file === 'not-built') {
    ctx.status = 503;
    ctx.type = 'text/plain; charset=utf-8';
    ctx.set('Cache-Control', 'no-store');
    ctx.body = `${NOT_BUILT_MESSAGE}\n`;
    return;
  }
  if (file === 'not-found') return;
  ctx.type = file.type;
  ctx.set('Cache-Control', folder === 'assets' ? ASSET_CACHE : 'no-store');
  ctx.body = file.body;
}

/** Without an admin token there is no admin API, so no dashboard: say how to turn it on. */
export function dashboardOffRoutes(router: Router): void {
  const off = (ctx: Context) => {
    ctx.status = 404;
    ctx.type = 'text/plain; charset=utf-8';
    ctx.body = 'The dashboard is off: start the mock server with --admin-token TOKEN (or OSIRIS_MOCK_ADMIN_TOKEN).\n';
  };
  router.get('/dashboard', off);
  router.get(DASHBOARD_PATH, off);
}
