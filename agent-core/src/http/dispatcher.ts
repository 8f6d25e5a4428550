import { lookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import { Agent, EnvHttpProxyAgent, type Dispatcher } from './undici.js';
import { CONNECT_TIMEOUT_MS, PIPELINE_DEPTH } from '../constants.js';
import { isLoopbackAddress, isLoopbackHost } from './endpoint.js';
import { describeUnknown, fail, ok, type Result } from '../result.js';

export interface TransportOptions {
  /** A PEM file with extra CAs to trust besides the system's (lab backends with a private CA). */
  readonly caFile?: string;
}

/** The system's CAs plus the extra file's, or undefined (system CAs only) when there is no extra file. */
export function trustedCas(caFile: string | undefined): Result<string[] | undefined> {
  if (caFile === undefined) return ok(undefined);
  try {
    return ok([...rootCertificates, readFileSync(caFile, 'utf8')]);
  } catch (err) {
    return fail('usage', `Cannot read CA file ${caFile}: ${describeUnknown(err)}`);
  }
}

/**
 * The connection pool for one endpoint: through HTTPS_PROXY/HTTP_PROXY unless NO_PROXY exempts the
 * host (clinic networks often force a proxy), and directly for the loopback host.
 */
export function createDispatcher(endpoint: URL, options: TransportOptions = {}): Result<Dispatcher> {
  const ca = trustedCas(options.caFile);
  if (!ca.ok) return ca;
  // No extra file: `ca` undefined, and TLS trusts the system's CAs as when it is absent.
  const tls = { ca: ca.data };
  // One connection for a whole run (one TLS handshake), with room to pipeline a pair of harmless calls (HTTP/1.1: undici.ts).
  const agentOptions = { connections: 1, pipelining: PIPELINE_DEPTH, connect: { ...tls, timeout: CONNECT_TIMEOUT_MS } };
  // Plain http to `localhost` is allowed only as far as `localhost` really is this machine.
  if (isLoopbackHost(endpoint.hostname)) return ok(new Agent({ ...agentOptions, connect: { ...agentOptions.connect, lookup: loopbackOnlyLookup } }));
  return ok(new EnvHttpProxyAgent({ ...agentOptions, requestTls: tls }));
}

/** A DNS lookup that fails, before any byte is sent, unless every address is a loopback one. */
export function loopbackOnlyLookup(hostname: string, options: LookupOptions, callback: (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void): void {
  lookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err !== null) {
      callback(err, []);
      return;
    }
    if (addresses.length === 0 || !addresses.every((a) => isLoopbackAddress(a.address))) {
      const refused: NodeJS.ErrnoException = Object.assign(new Error(`${hostname} does not resolve to this machine: refusing plain http to it`), { code: 'ENOTLOOPBACK' });
      callback(refused, []);
      return;
    }
    if (options.all === true) callback(null, addresses);
    else callback(null, addresses[0]?.address ?? '', addresses[0]?.family);
  });
}
