/**
 * Which proxy carries the requests to an endpoint, read from the environment exactly as undici's
 * EnvHttpProxyAgent (the dispatcher of every request, see dispatcher.ts) reads it, so the preflight
 * probes DNS, TCP and TLS itself only when the requests will really go direct:
 * - lower-case variables first (`https_proxy` before `HTTPS_PROXY`); a set but empty one counts;
 * - an https endpoint without an HTTPS proxy goes through the HTTP proxy, if there is one;
 * - NO_PROXY entries are separated by commas or spaces, may carry a port (`host:8443`,
 *   `[2001:db8::1]:8443`), `*` exempts everything, `.example.com` exempts the domain and every name
 *   under it, `*.example.com` only the names under it; names compare without case and trailing dot.
 * agent-core/test/proxy-env.test.ts checks this against undici itself.
 */

const DEFAULT_PORTS: Readonly<Record<string, number>> = { 'http:': 80, 'https:': 443 };

interface Exemption {
  readonly hostname: string;
  readonly port: number;
  readonly wildcard: boolean;
}

/** The proxy URL requests to `endpoint` go through, or undefined when they go direct. */
export function proxyFor(endpoint: URL, env: NodeJS.ProcessEnv): string | undefined {
  const httpProxy = env.http_proxy ?? env.HTTP_PROXY;
  const httpsProxy = env.https_proxy ?? env.HTTPS_PROXY;
  const proxy = endpoint.protocol === 'https:' ? (httpsProxy === undefined || httpsProxy === '' ? httpProxy : httpsProxy) : httpProxy;
  if (proxy === undefined || proxy === '') return undefined;
  let hostname = endpoint.hostname.replace(/^\[(.+)\]$/, '$1').toLowerCase();
  if (hostname.length > 1 && hostname.endsWith('.')) hostname = hostname.slice(0, -1);
  const port = Number.parseInt(endpoint.port, 10) || (DEFAULT_PORTS[endpoint.protocol] ?? 0);
  return exempted(hostname, port, exemptions(env.no_proxy ?? env.NO_PROXY ?? '')) ? undefined : proxy;
}

function exemptions(noProxy: string): Exemption[] {
  return noProxy.split(/[,\s]/).filter((entry) => entry !== '').map((entry) => {
    const bracketedWithPort = /^\[(.+)\]:(\d+)$/.exec(entry);
    let hostname: string;
    let port: number;
    if (bracketedWithPort !== null) {
      hostname = bracketedWithPort[1] ?? '';
      port = Number.parseInt(bracketedWithPort[2] ?? '', 10);
    } else {
      const unbracketed = entry.replace(/^\[(.+)\]$/, '$1');
      const withPort = (unbracketed.match(/:/g) ?? []).length === 1 ? /^(.+):(\d+)$/.exec(unbracketed) : null;
      hostname = withPort?.[1] ?? unbracketed;
      port = withPort === null ? 0 : Number.parseInt(withPort[2] ?? '', 10);
    }
    return { hostname: hostname.replace(/^\*?\./, '').replace(/^(.+)\.$/, '$1').toLowerCase(), port, wildcard: entry.startsWith('*') };
  });
}

function exempted(hostname: string, port: number, entries: readonly Exemption[]): boolean {
  return entries.some((entry) => {
    if (entry.port !== 0 && entry.port !== port) return false;
    if (entry.hostname === '*') return true;
    if (!entry.wildcard && hostname === entry.hostname) return true;
    return hostname.endsWith(`.${entry.hostname}`);
  });
}
