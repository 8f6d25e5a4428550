import { spawn } from 'node:child_process';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { DASHBOARD_CSP } from '../../src/dashboard/page-headers.js';
import { defaultDashboardDir } from '../../src/dashboard/static-files.js';
import { useBackend, useTempDir } from '../../../test-support/backend.js';
import { MOCK_CLI } from '../../../test-support/cli.js';
import { get } from '../../../test-support/http.js';
import { rawGet, rawPost, sameOrigin, TOKEN } from './support.js';

const backend = useBackend();
const tempDir = useTempDir();
const BUILT = defaultDashboardDir();

describe('the dashboard page', () => {
  it('is served at /dashboard/ with a strict CSP and the other security headers', async () => {
    const server = await backend({ adminToken: TOKEN });
    const page = await get(`${server.url}/dashboard/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.text).toContain('<div id="app"></div>');
    expect(page.headers.get('content-security-policy')).toBe(DASHBOARD_CSP);
    expect(DASHBOARD_CSP).not.toMatch(/unsafe|data:|\*/);
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.text).not.toContain(TOKEN);
  });

  it('redirects /dashboard to /dashboard/ and serves the hashed assets for a year', async () => {
    const server = await backend({ adminToken: TOKEN });
    const bare = await fetch(`${server.url}/dashboard`, { redirect: 'manual' });
    expect([bare.status, bare.headers.get('location')]).toEqual([308, '/dashboard/']);
    const assets = await readdir(join(BUILT, 'assets'));
    const script = assets.find((name) => name.endsWith('.js')) ?? '';
    const answer = await get(`${server.url}/dashboard/assets/${script}`);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(answer.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect((await get(`${server.url}/dashboard/favicon.svg`)).headers.get('content-type')).toBe('image/svg+xml');
  });

  it.each([
    '/dashboard/assets/..%2F..%2Fpackage.json',
    '/dashboard/assets/..%2Findex.html',
    '/dashboard/assets/..',
    '/dashboard/assets/../index.html',
    '/dashboard/assets/.hidden.js',
    '/dashboard/assets/%2e%2e%2f%2e%2e%2fpackage.json',
    '/dashboard/../package.json',
    '/dashboard/package.json',
    '/dashboard/assets/index.html',
  ])('serves nothing outside the built files: %s', async (path) => {
    const server = await backend({ adminToken: TOKEN });
    const answer = await rawGet(server.url, path);
    expect(answer.status).toBe(404);
    expect(answer.body).not.toContain('"name"');
  });

  it('says clearly when the dashboard is not built (503), and when it is off (no admin token)', async () => {
    const unbuilt = await backend({ adminToken: TOKEN, dashboardDir: join(await tempDir(), 'nothing') });
    const answer = await get(`${unbuilt.url}/dashboard/`);
    expect(answer.status).toBe(503);
    expect(answer.text).toContain('The dashboard is not built: run `npm run build`');
    const off = await backend();
    const offAnswer = await get(`${off.url}/dashboard/`);
    expect(offAnswer.status).toBe(404);
    expect(offAnswer.text).toContain('start the mock server with --admin-token');
  });

  it('serves a rebuilt dashboard without a restart', async () => {
    const dir = join(await tempDir(), 'dashboard');
    const server = await backend({ adminToken: TOKEN, dashboardDir: dir });
    expect((await get(`${server.url}/dashboard/`)).status).toBe(503);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'index.html'), '<!doctype html><title>rebuilt</title>');
    expect((await get(`${server.url}/dashboard/`)).text).toContain('rebuilt');
  });
});

describe('dashboard path spellings (routes are case-sensitive and strict, like the admin API)', () => {
  it.each(['/Dashboard/session', '/DASHBOARD/session', '/dashboard/Session', '/dashboard/session/', '/dashboard//session', '//dashboard/session', '/dashboard/%73ession'])(
    'never signs in at %s',
    async (path) => {
      const server = await backend({ adminToken: TOKEN });
      const answer = await rawPost(`${server.url}${path}`, { token: TOKEN }, sameOrigin(server.url));
      expect([path, answer.status, answer.setCookie]).toEqual([path, expect.toSatisfy((s: number) => s === 404 || s === 405), undefined]);
      expect(server.mock.dashboard?.sessions.size).toBe(0);
    },
  );

  it.each(['/Dashboard/', '/DASHBOARD/', '/dashboard//', '/dashboard/index.html', '/Dashboard', '/dashboard/./', '/api/../dashboard/'])('does not serve the page at %s', async (path) => {
    const server = await backend({ adminToken: TOKEN });
    expect((await rawGet(server.url, path)).status).toBe(404);
  });
});

describe('osiris-mock-server with --admin-token', () => {
  it('names the dashboard in its ready line and serves it', async () => {
    const child = spawn(process.execPath, [MOCK_CLI, '--port', '0', '--admin-token', TOKEN], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    try {
      const line = await new Promise<string>((resolve) => { createInterface({ input: child.stdout }).once('line', resolve); });
      const info = JSON.parse(line) as { url: string; dashboard: string };
      expect(info.dashboard).toBe(`${info.url}/dashboard/`);
      expect(line).not.toContain(TOKEN);
      expect((await get(info.dashboard)).status).toBe(200);
    } finally {
      child.kill('SIGTERM');
    }
    await new Promise((resolve) => child.on('close', resolve));
    expect(stderr).not.toContain(TOKEN);
  });
});
