import { fail, type Failure } from '../result.js';

/** What a transport error means for the operator, and whether the request can have reached the server. */
export interface ClassifiedError {
  readonly failure: Failure;
  /** False only when the request certainly never left the appliance (so even a claim may be retried). */
  readonly maybeSent: boolean;
}

const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_FAIL',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
  'ENOTLOOPBACK',
]);
const TIMEOUT_CODES = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ETIMEDOUT',
  'ABORT_ERR',
]);
const CLOCK_TLS_CODES = new Set(['CERT_NOT_YET_VALID', 'CERT_HAS_EXPIRED']);
const INTERCEPT_TLS_CODES = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
]);

/** Walks `cause` chains: undici wraps the system error that says what really happened. */
export function errorCodes(err: unknown): string[] {
  const codes: string[] = [];
  let current: unknown = err;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth += 1) {
    const record = current as { code?: unknown; name?: unknown; cause?: unknown };
    if (typeof record.code === 'string') codes.push(record.code);
    if (record.name === 'TimeoutError' || record.name === 'AbortError') codes.push('ABORT_ERR');
    current = record.cause;
  }
  return codes;
}

export function classifyNetworkError(err: unknown, host: string): ClassifiedError {
  const codes = errorCodes(err);
  const has = (set: ReadonlySet<string>) => codes.some((c) => set.has(c));
  const maybeSent = !has(NOT_SENT_CODES);

  const tlsFailure = classifyTls(codes, host);
  if (tlsFailure !== undefined) return { failure: tlsFailure, maybeSent: false };

  if (has(TIMEOUT_CODES)) {
    return {
      failure: fail('timeout', undefined, `No answer from ${host} in time. Check the network cable and that the clinic's firewall allows outbound HTTPS (TCP 443).`),
      maybeSent,
    };
  }
  if (codes.includes('ENOTFOUND') || codes.includes('EAI_AGAIN') || codes.includes('EAI_FAIL')) {
    return {
      failure: fail('unreachable', undefined, `Could not look up ${host} (DNS). A DNS filter (Pi-hole, Umbrella, Fortinet, Sophos) may be blocking it, or the appliance has no DNS server.`),
      maybeSent,
    };
  }
  if (codes.includes('ENOTLOOPBACK')) {
    return {
      failure: fail('unreachable', `${host} does not resolve to this machine: refusing plain http to it`, 'Plain http is only for a backend on this machine; use the https endpoint.'),
      maybeSent,
    };
  }
  if (codes.includes('ECONNREFUSED')) {
    return {
      failure: fail('unreachable', undefined, `${host} refused the connection: the backend may be down, or a firewall is rejecting outbound HTTPS.`),
      maybeSent,
    };
  }
  if (codes.includes('ENETUNREACH') || codes.includes('EHOSTUNREACH')) {
    return {
      failure: fail('unreachable', undefined, 'No route to the server: check the network cable, DHCP and the default gateway.'),
      maybeSent,
    };
  }
  return {
    failure: fail('unreachable', undefined, `The connection to ${host} failed (${codes[0] ?? 'network error'}).`),
    maybeSent,
  };
}

function classifyTls(codes: readonly string[], host: string): Failure | undefined {
  const tlsCode = codes.find((c) => c.startsWith('CERT_') || c.startsWith('ERR_TLS') || c.startsWith('ERR_SSL') || INTERCEPT_TLS_CODES.has(c) || c === 'EPROTO');
  if (tlsCode === undefined) return undefined;
  if (CLOCK_TLS_CODES.has(tlsCode)) {
    return fail('tls', `Secure connection to server failed (${tlsCode})`, "The appliance clock may be wrong: check the date and enable NTP ('timedatectl set-ntp true').");
  }
  if (INTERCEPT_TLS_CODES.has(tlsCode)) {
    return fail('tls', `Secure connection to server failed (${tlsCode})`, `The certificate for ${host} is not trusted: a TLS-intercepting proxy or firewall is likely replacing it. Ask for ${host} to be exempted from HTTPS inspection.`);
  }
  if (tlsCode === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return fail('tls', `Secure connection to server failed (${tlsCode})`, `The certificate presented does not belong to ${host}: something on the network is intercepting the connection.`);
  }
  return fail('tls', `Secure connection to server failed (${tlsCode})`);
}
