/**
 * The parts of undici the engine uses — the connection pool, the proxy-aware pool and the request
 * API — loaded from their own modules. undici's index also loads fetch, WebSocket, EventSource, the
 * mock agent, caches and every interceptor: most of its 1.2 MB, read and run by every provisioning
 * process for nothing (`npm run bench`, cold start). The version is pinned in package.json;
 * `undici.test.ts` holds these modules to the index's own exports, the proxy tests to its tunnel.
 */
import type * as Undici from 'undici';
import AgentClass from 'undici/lib/dispatcher/agent.js';
import DispatcherClass from 'undici/lib/dispatcher/dispatcher.js';
import EnvHttpProxyAgentClass from 'undici/lib/dispatcher/env-http-proxy-agent.js';
import api from 'undici/lib/api/index.js';

// What undici's index does on load: every dispatcher gets request(), connect() (the proxy's CONNECT tunnel) and the rest.
Object.assign(DispatcherClass.prototype, api);

export type Dispatcher = Undici.Dispatcher;

/**
 * undici's pools, HTTP/1.1 only whoever builds one. undici offers h2 by default (ALPN), and a server
 * or an HTTPS proxy that takes it would put the engine on a protocol no test here covers (the mock,
 * like the Python agent, speaks HTTP/1.1) — and the bundles leave undici's HTTP/2 client out
 * (no-http2.cjs). `allowH2` covers the origin, in a proxy's tunnel too; `proxyTls` the proxy itself.
 */
export class Agent extends AgentClass {
  constructor(options: Undici.Agent.Options = {}) {
    super({ ...options, allowH2: false });
  }
}
export class EnvHttpProxyAgent extends EnvHttpProxyAgentClass {
  constructor(options: Undici.EnvHttpProxyAgent.Options = {}) {
    super({ ...options, allowH2: false, proxyTls: { ...options.proxyTls, allowH2: false } });
  }
}

export type RequestOptions = Omit<Undici.Dispatcher.RequestOptions, 'origin' | 'path'> & { readonly dispatcher: Dispatcher };

/** undici's `request(url, options)`, always with the caller's own dispatcher (never the global one). */
export function request(url: URL, { dispatcher, ...options }: RequestOptions): Promise<Undici.Dispatcher.ResponseData> {
  return dispatcher.request({ ...options, origin: url.origin, path: `${url.pathname}${url.search}` });
}
