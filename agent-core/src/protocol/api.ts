import { lookalikeHint, parseProvisionCode } from '../codes/codes.js';
import { DEFAULT_API_ENDPOINT, STATUS_TIMEOUT_MS } from '../constants.js';
import { parseApiEndpoint } from '../http/endpoint.js';
import { bySchema, HttpClient, type HttpClientOptions, type HttpErrorResponse } from '../http/client.js';
import { getIdentity, type ApplianceIdentity } from '../identity/index.js';
import { fail, ok, type ErrorCode, type Failure, type Result } from '../result.js';
import { printable } from '../text.js';
import { readClaimAnswer, readValidAnswer, type ClaimedSite, type ValidatedCode } from './answers.js';
import { canonicalJson } from './canonical-json.js';
import {
  API_PATHS,
  ApplianceConfigResponseSchema,
  AssignedResponseSchema,
  HeartbeatResponseSchema,
  StatusResponseSchema,
  UnclaimedResponseSchema,
  ValidateResponseSchema,
  type ApplianceConfigResponse,
  type ClaimRequest,
  type HeartbeatResponse,
  type StatusRequest,
  type StatusResponse,
} from './contract.js';

export interface ApiOptions extends Omit<HttpClientOptions, 'endpoint'> {
  /** Central Command's base URL; the seed's default when absent. Ignored when `client` is given. */
  readonly apiEndpoint?: string;
  /** An open client to reuse (the flow keeps one for all its calls). */
  readonly client?: HttpClient;
  readonly signal?: AbortSignal;
}

export interface ClaimOptions extends ApiOptions {
  /** The appliance claiming the code; read from this machine when absent. */
  readonly identity?: ApplianceIdentity;
}

/** A claim answer the engine can use, with what was cleaned or dropped from it. */
export interface ClaimAnswer {
  readonly site: ClaimedSite;
  readonly warnings: readonly string[];
}

/** A 2xx claim answer without the fields a config needs: the code is spent, so the raw answer is kept for support. */
export type UnusableAnswer = Failure & { readonly received: string };

export function isUnusableAnswer(failure: Failure): failure is UnusableAnswer {
  return typeof (failure as Partial<UnusableAnswer>).received === 'string';
}

/** Runs `fn` with the given client, or with a client made for this one call and closed after it. */
export async function withClient<T>(options: ApiOptions, fn: (client: HttpClient) => Promise<Result<T>>): Promise<Result<T>> {
  if (options.client !== undefined) return fn(options.client);
  const endpoint = parseApiEndpoint(options.apiEndpoint ?? DEFAULT_API_ENDPOINT);
  if (!endpoint.ok) return endpoint;
  const client = HttpClient.create({ ...options, endpoint: endpoint.data });
  if (!client.ok) return client;
  try {
    return await fn(client.data);
  } finally {
    await client.data.close();
  }
}

/** The claim request for this appliance: identity, hardware and how it booted, so the backend can tell boxes apart. */
export function claimRequest(code: string, identity: ApplianceIdentity): ClaimRequest {
  return {
    provision_code: code,
    mac_address: identity.mac_address,
    hostname: identity.hostname,
    ...(identity.hardware_id === undefined ? {} : { hardware_id: identity.hardware_id }),
    ...(identity.boot_source === undefined ? {} : { boot_source: identity.boot_source }),
    ...(identity.all_mac_addresses === undefined ? {} : { all_mac_addresses: [...identity.all_mac_addresses] }),
  };
}

/**
 * Claims a provision code for this appliance: the server creates (or attaches to) the site and
 * answers with the site id, appliance id, API key and partner branding. Never retried once the
 * request may have reached the server: the server consumes the code.
 */
export async function claimProvisionCode(code: string, options: ClaimOptions = {}): Promise<Result<ClaimAnswer>> {
  const parsed = parseProvisionCode(code);
  if (!parsed.ok) return parsed;
  const body = claimRequest(parsed.data, options.identity ?? getIdentity());
  return withClient(options, (client) =>
    client.call(
      { method: 'POST', path: API_PATHS.claim, body, decode: decodeClaim, idempotent: false, mapError: (r) => mapCodeError(r, parsed.data) },
      options.signal,
    ),
  );
}

function decodeClaim(json: unknown, text: string): Result<ClaimAnswer> {
  const reading = readClaimAnswer(json);
  if (reading.ok) return ok({ site: reading.value, warnings: reading.warnings });
  const failure: UnusableAnswer = {
    ...fail('bad-response', `Central Command accepted the code but its answer lacks ${reading.missing.join(', ')}`),
    received: text,
  };
  return failure;
}

/** Asks whether a code is claimable and whose it is, without consuming it. */
export async function validateProvisionCode(code: string, options: ApiOptions = {}): Promise<Result<ValidatedCode>> {
  const parsed = parseProvisionCode(code);
  if (!parsed.ok) return parsed;
  const result = await withClient(options, (client) =>
    client.call(
      { method: 'GET', path: API_PATHS.validate(parsed.data), decode: bySchema(ValidateResponseSchema), idempotent: true, mapError: (r) => mapCodeError(r, parsed.data) },
      options.signal,
    ),
  );
  if (!result.ok) return result;
  if (result.data.valid) return ok(readValidAnswer(result.data).value);
  return codeFailureFromText(result.data.error, parsed.data);
}

/**
 * Reports provisioning progress with the appliance's key, so the partner dashboard shows where it is.
 * Best effort: one attempt with a short deadline (today's backend answers 500 to the statuses the
 * appliance sends), never a retry storm, never a reason to fail provisioning.
 */
export async function reportStatus(status: StatusRequest, apiKey: string, options: ApiOptions = {}): Promise<Result<StatusResponse>> {
  return withClient(options, (client) =>
    client.call(
      {
        method: 'POST',
        path: API_PATHS.status,
        body: status,
        decode: bySchema(StatusResponseSchema),
        idempotent: true,
        attempts: 1,
        timeoutMs: STATUS_TIMEOUT_MS,
        headers: { authorization: `Bearer ${apiKey}` },
        mapError: mapStatusError,
        pipelined: true,
      },
      options.signal,
    ),
  );
}

export interface HeartbeatInput {
  readonly mac_address: string;
  /** The credential of a heartbeat: without a code the appliance sends none. */
  readonly provision_code: string;
  readonly hostname?: string;
  readonly status?: string;
}

/** Asks Central Command, with the code, whether it knows this MAC (and for which site). */
export async function sendHeartbeat(heartbeat: HeartbeatInput, options: ApiOptions = {}): Promise<Result<HeartbeatResponse>> {
  return withClient(options, (client) =>
    client.call(
      {
        method: 'POST',
        path: API_PATHS.heartbeat,
        body: { status: 'provisioning', ...heartbeat },
        decode: bySchema(HeartbeatResponseSchema),
        idempotent: true,
        mapError: mapHeartbeatError,
      },
      options.signal,
    ),
  );
}

/** The appliance's configuration as the partner set it up on the dashboard. */
export async function fetchApplianceConfig(applianceId: string, options: ApiOptions = {}): Promise<Result<ApplianceConfigResponse>> {
  return withClient(options, (client) =>
    client.call(
      { method: 'GET', path: API_PATHS.config(applianceId), decode: bySchema(ApplianceConfigResponseSchema), idempotent: true, pipelined: true, mapError: mapUnknownAppliance },
      options.signal,
    ),
  );
}

/** A drop-ship poll's answer: not yet assigned (poll again), or assigned with a signed config. */
export type Assignment =
  | { readonly state: 'unclaimed'; readonly retrySeconds?: number }
  | {
      readonly state: 'assigned';
      /** The `config` member as parsed, and as the exact bytes Python's json.dumps(sort_keys=True) gives. */
      readonly config: Readonly<Record<string, unknown>>;
      readonly canonical: string;
      readonly signature: unknown;
    };

/**
 * Asks whether a partner has assigned this MAC to a site. Idempotent for the network, but every
 * assigned answer mints a new key on the server: the caller must keep the first one it gets.
 */
export async function fetchAssignment(mac: string, options: ApiOptions = {}): Promise<Result<Assignment>> {
  return withClient(options, (client) =>
    client.call({ method: 'GET', path: API_PATHS.dropship(mac), decode: decodeAssignment, idempotent: true }, options.signal),
  );
}

function decodeAssignment(json: unknown, text: string): Result<Assignment> {
  const unclaimed = UnclaimedResponseSchema.safeParse(json);
  if (unclaimed.success) {
    const seconds = unclaimed.data.retry_seconds;
    return ok(typeof seconds === 'number' && Number.isFinite(seconds) ? { state: 'unclaimed', retrySeconds: seconds } : { state: 'unclaimed' });
  }
  const assigned = AssignedResponseSchema.safeParse(json);
  if (!assigned.success) return fail('bad-response', 'Unexpected drop-ship answer from server (neither unclaimed nor a config)');
  try {
    return ok({ state: 'assigned', config: assigned.data.config, canonical: canonicalJson(text, 'config'), signature: assigned.data.signature });
  } catch {
    return fail('bad-response', 'The drop-ship answer could not be read exactly enough to check its signature');
  }
}

/** The backend answers 404 for an unknown code and 400, with a detail saying which, for a used, expired or revoked one. */
function mapCodeError(response: HttpErrorResponse, code: string): Failure | undefined {
  if (response.status === 404) return { ...fail('invalid'), ...withHint(lookalikeHint(code)) };
  if (response.status === 400) return codeFailureFromText(response.detail ?? '', code);
  if (response.status === 500 && /partner not found/i.test(response.detail ?? '')) {
    return { ...fail('server', 'Central Command has no partner on record for this code'), hint: 'The code cannot be used as it is: ask the partner (or support) to issue a new one.', retryable: false };
  }
  return undefined;
}

function withHint(hint: string | undefined): { hint?: string } {
  return hint === undefined ? {} : { hint };
}

/** "Provision code already claimed", "Provision code is claimed/expired/revoked", "Provision code expired". */
function codeFailureFromText(text: string, code: string): Failure {
  const kind: ErrorCode = /revoked/i.test(text) ? 'revoked' : /expired/i.test(text) ? 'expired' : /claimed/i.test(text) ? 'claimed' : 'invalid';
  if (kind === 'revoked') return fail('revoked', undefined, 'The partner revoked this code. Ask them for a new one.');
  if (kind === 'invalid') return { ...fail('invalid'), ...withHint(lookalikeHint(code)) };
  return fail(kind);
}

function mapStatusError(response: HttpErrorResponse): Failure | undefined {
  const detail = response.detail === undefined ? '' : `: ${printable(response.detail)}`;
  if (response.status === 401 || response.status === 403) return { ...fail('server', `Central Command refused the appliance's key (HTTP ${response.status})${detail}`), retryable: false };
  return mapUnknownAppliance(response);
}

function mapHeartbeatError(response: HttpErrorResponse): Failure | undefined {
  if (response.status === 401 || response.status === 403) {
    return { ...fail('server', `Central Command did not accept the provision code for a heartbeat (HTTP ${response.status})`), retryable: false };
  }
  return undefined;
}

function mapUnknownAppliance(response: HttpErrorResponse): Failure | undefined {
  return response.status === 404 ? { ...fail('invalid', 'Central Command does not know this appliance'), retryable: false } : undefined;
}

export type { ValidatedCode };
