import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import { Agent, EnvHttpProxyAgent, type Dispatcher } from 'undici';
import { CONNECT_TIMEOUT_MS } from '../constants.js';
import { isLoopbackHost } from './endpoint.js';
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
  const tls = ca.data === undefined ? {} : { ca: ca.data };
  const agentOptions = { connect: { ...tls, timeout: CONNECT_TIMEOUT_MS } };
  if (isLoopbackHost(endpoint.hostname)) return ok(new Agent(agentOptions));
  return ok(new EnvHttpProxyAgent({ ...agentOptions, requestTls: tls }));
}
