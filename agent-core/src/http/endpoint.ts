import { isIP } from 'node:net';
import { fail, ok, type Result } from '../result.js';

/**
 * The rule for where the appliance may send its provision code and receive its credential:
 * HTTPS, or plain HTTP to the loopback host only (what browsers treat as a trustworthy origin),
 * so tests and demos can run a local backend without a certificate.
 */
export function parseApiEndpoint(input: string): Result<URL> {
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    return fail('usage', `API endpoint is not a URL: ${JSON.stringify(input)}`);
  }
  if (url.username !== '' || url.password !== '') {
    return fail('usage', 'API endpoint must not contain a user name or password');
  }
  if (url.search !== '' || url.hash !== '') {
    return fail('usage', 'API endpoint must not contain a query or fragment');
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    return fail(
      'usage',
      `Refusing plain http to ${url.hostname}: the API endpoint must use https`,
      'Only the loopback host (127.0.0.1, ::1, localhost) may be reached over plain http.',
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return fail('usage', `API endpoint must be an https URL, not ${url.protocol}`);
  }
  url.pathname = url.pathname.replace(/\/+$/, '');
  return ok(url);
}

/**
 * Literal loopback addresses, and the name `localhost` itself — which the dispatcher then only lets
 * resolve to a loopback address (see loopbackOnlyLookup). Never `*.localhost` by name alone: a
 * resolver may well send `backend.localhost` to a remote address, with the code in clear text.
 */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || isLoopbackAddress(host);
}

export function isLoopbackAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return address.startsWith('127.');
  if (family === 6) return address === '::1' || /^(0{1,4}:){7}0{0,3}1$/.test(address) || /^::ffff:127\./i.test(address);
  return false;
}

/** The endpoint as a string without a trailing slash, for configs and comparisons. */
export function endpointToString(url: URL): string {
  return url.href.replace(/\/+$/, '');
}

/**
 * Joins the endpoint's base path and an API path, on the endpoint's own origin: the whole URL is
 * one string, never a path resolved against the origin, where a base path starting with `//`
 * (`https://api.osiriscare.net//evil.example`) would have named another host.
 */
export function apiUrl(endpoint: URL, path: string): URL {
  const base = endpoint.pathname.replace(/\/+$/, '');
  return new URL(`${endpoint.origin}${base}${path}`);
}

/** True when `candidate` names the same scheme, host, port and base path as an allowed endpoint. */
export function isAllowedEndpoint(candidate: URL, allowed: readonly string[]): boolean {
  const key = endpointToString(candidate);
  return allowed.some((entry) => {
    const parsed = parseApiEndpoint(entry);
    return parsed.ok && endpointToString(parsed.data) === key;
  });
}
