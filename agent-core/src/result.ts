/** Results are values: success with data, or a failure with a code the UI can switch on and an operator-facing message. */

export const ERROR_CODES = [
  'format',
  'invalid',
  'expired',
  'revoked',
  'claimed',
  'timeout',
  'unreachable',
  'tls',
  'server',
  'bad-response',
  'exists',
  'pending-claim',
  'locked',
  'not-assigned',
  'unsigned',
  'bad-signature',
  'server-key',
  'untrusted-endpoint',
  'io',
  'usage',
  'cancelled',
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** The seed's error table, verbatim, plus messages for the codes it does not name. */
export const ERROR_MESSAGES: Record<ErrorCode, string> = {
  format: 'Provision code must be 16 letters or digits (A-Z, 0-9)',
  invalid: 'Invalid provision code',
  expired: 'Provision code expired',
  revoked: 'Provision code revoked',
  claimed: 'Code already claimed',
  timeout: 'Connection timed out',
  unreachable: 'Failed to connect to server',
  tls: 'Secure connection to server failed',
  server: 'Server error',
  'bad-response': 'Unexpected response from server',
  exists: 'Appliance is already provisioned',
  'pending-claim': 'An unfinished claim is waiting to be finished',
  locked: 'Provisioning is already running',
  'not-assigned': 'This appliance has not been assigned to a site yet',
  unsigned: 'The drop-ship answer is not signed',
  'bad-signature': 'The drop-ship answer has a bad signature',
  'server-key': "Central Command's public key is missing or unreadable",
  'untrusted-endpoint': 'QR code names a server that is not on the allowed list',
  io: 'Could not write the configuration',
  usage: 'Invalid usage',
  cancelled: 'Provisioning cancelled',
  internal: 'Unexpected internal error',
};

export interface Failure {
  readonly ok: false;
  readonly code: ErrorCode;
  /** One line, operator language; never contains a secret. */
  readonly error: string;
  /** What to do about it, when there is something to do. */
  readonly hint?: string;
  /** True when the same call may succeed later without changing anything (network, server). */
  readonly retryable: boolean;
}

export interface Success<T> {
  readonly ok: true;
  readonly data: T;
}

export type Result<T> = Success<T> | Failure;

const RETRYABLE: ReadonlySet<ErrorCode> = new Set(['timeout', 'unreachable', 'server', 'tls', 'locked']);

const NETWORK: ReadonlySet<ErrorCode> = new Set(['timeout', 'unreachable', 'tls']);

/** A failure on the way to the server (not an answer from it): what the network preflight can explain. */
export function isNetworkFailure(failure: Failure): boolean {
  return NETWORK.has(failure.code);
}

export function ok<T>(data: T): Success<T> {
  return { ok: true, data };
}

/** A failure with the code's standard message, or a more specific one. */
export function fail(code: ErrorCode, error: string = ERROR_MESSAGES[code], hint?: string): Failure {
  return hint === undefined
    ? { ok: false, code, error, retryable: RETRYABLE.has(code) }
    : { ok: false, code, error, hint, retryable: RETRYABLE.has(code) };
}

export function describeUnknown(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
