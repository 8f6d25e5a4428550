import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDispatcher } from '../src/http/dispatcher.js';
import { usesProxy } from '../src/http/preflight.js';
import { proxyFor } from '../src/http/proxy-env.js';
import { request } from '../src/http/undici.js';

// The preflight probes DNS, TCP and TLS itself only when the requests go direct; undici's
// EnvHttpProxyAgent decides where they go. Each case below is asked of both: usesProxy, and the real
// dispatcher sending a request while a recording proxy listens. Names under .test resolve nowhere,
// 192.0.2.0/24 refuses at once here: a request that goes direct fails fast, without the proxy.

let proxy: Server;
let proxyUrl = '';
const seen: string[] = [];

beforeAll(async () => {
  proxy = createServer((req, res) => {
    seen.push(req.url ?? '');
    res.writeHead(502).end();
  });
  proxy.on('connect', (req, socket) => {
    seen.push(req.url ?? '');
    socket.end('HTTP/1.1 502 Bad Gateway\r\n\r\n');
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
});
afterAll(() => {
  proxy.closeAllConnections();
  proxy.close();
});

/** Whether undici sent a request for `url` through the proxy, with `env` as the process's environment. */
async function undiciProxies(url: string, env: NodeJS.ProcessEnv): Promise<boolean> {
  const saved = process.env;
  process.env = { PATH: saved.PATH, ...env };
  seen.length = 0;
  try {
    const dispatcher = createDispatcher(new URL(url));
    if (!dispatcher.ok) throw new Error(dispatcher.error);
    await request(new URL('/health', url), { method: 'GET', dispatcher: dispatcher.data }).then((r) => r.body.dump(), () => undefined);
    await dispatcher.data.destroy();
    return seen.length > 0;
  } finally {
    process.env = saved;
  }
}

type Env = Record<string, string>;
const P = 'PROXY';
const withProxy = (env: Env): Env => Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v === P ? proxyUrl : v]));

const CASES: readonly [string, Env][] = [
  ['https://api.osiriscare.test', { HTTPS_PROXY: P }],
  ['https://api.osiriscare.test', { HTTP_PROXY: P }],
  ['https://api.osiriscare.test', { HTTPS_PROXY: '', HTTP_PROXY: P }],
  ['https://api.osiriscare.test', { https_proxy: '', HTTPS_PROXY: P }],
  ['https://api.osiriscare.test', { http_proxy: '', HTTP_PROXY: P }],
  ['http://api.osiriscare.test', { HTTPS_PROXY: P }],
  ['http://api.osiriscare.test', { HTTP_PROXY: P }],
  ['https://osiriscare.test', { HTTPS_PROXY: P, NO_PROXY: '*.osiriscare.test' }],
  ['https://api.osiriscare.test', { HTTPS_PROXY: P, NO_PROXY: '*.osiriscare.test' }],
  ['https://osiriscare.test', { HTTPS_PROXY: P, NO_PROXY: '.osiriscare.test' }],
  ['https://API.osiriscare.test.', { HTTPS_PROXY: P, NO_PROXY: 'api.OSIRISCARE.test' }],
  ['https://api.osiriscare.test', { HTTPS_PROXY: P, NO_PROXY: 'api.osiriscare.test:8443' }],
  ['https://api.osiriscare.test:8443', { HTTPS_PROXY: P, NO_PROXY: 'api.osiriscare.test:8443' }],
  ['https://api.osiriscare.test', { HTTPS_PROXY: P, NO_PROXY: 'other.test api.osiriscare.test' }],
  ['https://api.osiriscare.test', { HTTPS_PROXY: P, no_proxy: '', NO_PROXY: 'api.osiriscare.test' }],
  ['https://api.osiriscare.test', { HTTPS_PROXY: P, NO_PROXY: '*' }],
  ['https://api.osiriscare.test', { HTTPS_PROXY: P, NO_PROXY: '*:8443' }],
  ['https://192.0.2.1', { HTTPS_PROXY: P, NO_PROXY: '192.0.2.1' }],
  ['https://192.0.2.1:8443', { HTTPS_PROXY: P, NO_PROXY: '192.0.2.1:443' }],
  ['https://[::ffff:c000:201]', { HTTPS_PROXY: P, NO_PROXY: '[::ffff:c000:201]' }],
  ['https://[::ffff:c000:201]', { HTTPS_PROXY: P, NO_PROXY: '[::ffff:c000:201]:443' }],
  ['https://api.osiriscare.test', { HTTPS_PROXY: P, NO_PROXY: 'osiriscare.test' }],
  ['https://notosiriscare.test', { HTTPS_PROXY: P, NO_PROXY: 'osiriscare.test' }],
  ['https://api.osiriscare.test', { HTTPS_PROXY: P, NO_PROXY: 'api.osiriscare.test.' }],
];

describe('the proxy the requests take, as the preflight reads it', () => {
  it.each(CASES)('agrees with undici for %s with %o', async (url, env) => {
    const actual = await undiciProxies(url, withProxy(env));
    expect(usesProxy(new URL(url), withProxy(env))).toBe(actual);
  });

  it('decides each of the cases as documented in proxy-env.ts (not only as undici happens to)', () => {
    const decided = CASES.map(([url, env]) => proxyFor(new URL(url), withProxy(env)) !== undefined);
    expect(decided).toEqual([true, true, true, false, false, false, true, true, false, false, false, true, false, false, true, false, true, false, true, false, false, false, true, false]);
  });

  it('never proxies the loopback host, whatever the environment says', () => {
    expect(usesProxy(new URL('http://localhost:8080'), { HTTP_PROXY: 'http://proxy.test:3128' })).toBe(false);
    expect(usesProxy(new URL('http://127.0.0.1:8080'), { HTTP_PROXY: 'http://proxy.test:3128' })).toBe(false);
  });
});
