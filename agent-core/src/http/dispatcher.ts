import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import { Agent, EnvHttpProxyAgent, type Dispatcher } from 'undici';
import { CONNECT_TIMEOUT_MS } from '../constants.js';
import { isLoopbackHost } from '../endpoint.js';
import { describeUnknown, fail, ok, type Result } from '../result.js';

export interface TransportOptions {
  /** A PEM file with extra CAs to trust besides the system's (lab backends with a private CA). */
  readonly caFile?: string;
}

/**
 * The connection pool for one endpoint: through HTTPS_PROXY/HTTP_PROXY unless NO_PROXY exempts the
 * host (clinic networks often force a proxy), and directly for the loopback host.
 */
export function createDispatcher(endpoint: URL, options: TransportOptions = {}): Result<Dispatcher> {
  let ca: string[] | undefined;
  if (options.caFile !== undefined) {
    try {
      ca = [...rootCertificates, readFileSync(options.caFile, 'utf8')];
    } catch (err) {
      return fail('usage', `Cannot read CA file ${options.caFile}: ${describeUnknown(err)}`);
    }
  }
  const tls = ca === undefined ? {} : { ca };
  const agentOptions = { connect: { ...tls, timeout: CONNECT_TIMEOUT_MS } };
  if (isLoopbackHost(endpoint.hostname)) return ok(new Agent(agentOptions));
  return ok(new EnvHttpProxyAgent({ ...agentOptions, requestTls: tls }));
}
