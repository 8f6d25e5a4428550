import { parseProvisionCode } from '../codes/codes.js';
import { DEFAULT_API_ENDPOINT } from '../constants.js';
import {
  API_PATHS,
  ApplianceConfigResponseSchema,
  ClaimResponseSchema,
  HeartbeatResponseSchema,
  StatusResponseSchema,
  ValidateResponseSchema,
  type ApplianceConfigResponse,
  type ClaimRequest,
  type ClaimResponse,
  type HeartbeatRequest,
  type HeartbeatResponse,
  type StatusRequest,
  type StatusResponse,
  type ValidateResponse,
} from './contract.js';
import { parseApiEndpoint } from '../http/endpoint.js';
import { HttpClient, type HttpClientOptions, type HttpErrorResponse } from '../http/client.js';
import { getIdentity, type ApplianceIdentity } from '../identity/index.js';
import { fail, ok, type ErrorCode, type Failure, type Result } from '../result.js';

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

/**
 * Claims a provision code for this appliance: the server creates (or attaches to) the site and
 * answers with the site id, appliance id, partner branding and usually an API key. Never retried
 * once the request may have reached the server: the server consumes the code.
 */
export async function claimProvisionCode(code: string, options: ClaimOptions = {}): Promise<Result<ClaimResponse>> {
  const parsed = parseProvisionCode(code);
  if (!parsed.ok) return parsed;
  const identity = options.identity ?? getIdentity();
  const body: ClaimRequest = {
    provision_code: parsed.data,
    mac_address: identity.mac_address,
    hostname: identity.hostname,
    ...(identity.hardware_id === undefined ? {} : { hardware_id: identity.hardware_id }),
  };
  return withClient(options, (client) =>
    client.call(
      { method: 'POST', path: API_PATHS.claim, body, schema: ClaimResponseSchema, idempotent: false, mapError: mapCodeError },
      options.signal,
    ),
  );
}

export type ValidatedCode = Extract<ValidateResponse, { valid: true }>;

/** Asks whether a code is claimable and whose it is, without consuming it. */
export async function validateProvisionCode(code: string, options: ApiOptions = {}): Promise<Result<ValidatedCode>> {
  const parsed = parseProvisionCode(code);
  if (!parsed.ok) return parsed;
  const result = await withClient(options, (client) =>
    client.call(
      { method: 'GET', path: API_PATHS.validate(parsed.data), schema: ValidateResponseSchema, idempotent: true, mapError: mapCodeError },
      options.signal,
    ),
  );
  if (!result.ok) return result;
  if (result.data.valid) return ok(result.data);
  return codeFailureFromText(result.data.error);
}

/** Reports provisioning progress so the partner dashboard shows where the appliance is. */
export async function reportStatus(status: StatusRequest, options: ApiOptions = {}): Promise<Result<StatusResponse>> {
  return withClient(options, (client) =>
    client.call(
      { method: 'POST', path: API_PATHS.status, body: status, schema: StatusResponseSchema, idempotent: true, mapError: mapUnknownAppliance },
      options.signal,
    ),
  );
}

/** Tells Central Command an appliance is up and waiting (or working); idempotent by nature. */
export async function sendHeartbeat(heartbeat: HeartbeatRequest, options: ApiOptions = {}): Promise<Result<HeartbeatResponse>> {
  return withClient(options, (client) =>
    client.call(
      { method: 'POST', path: API_PATHS.heartbeat, body: heartbeat, schema: HeartbeatResponseSchema, idempotent: true },
      options.signal,
    ),
  );
}

/** The appliance's configuration as the partner set it up on the dashboard. */
export async function fetchApplianceConfig(applianceId: string, options: ApiOptions = {}): Promise<Result<ApplianceConfigResponse>> {
  return withClient(options, (client) =>
    client.call(
      { method: 'GET', path: API_PATHS.config(applianceId), schema: ApplianceConfigResponseSchema, idempotent: true, mapError: mapUnknownAppliance },
      options.signal,
    ),
  );
}

/** The backend answers 404 for an unknown code and 400 (with a detail saying which) for a used or expired one. */
function mapCodeError(response: HttpErrorResponse): Failure | undefined {
  if (response.status === 404) return fail('invalid');
  if (response.status === 410) return fail('expired');
  if (response.status === 409) return fail('claimed');
  if (response.status === 400) return codeFailureFromText(response.detail ?? '');
  return undefined;
}

function codeFailureFromText(text: string): Failure {
  const code: ErrorCode = /expired/i.test(text) ? 'expired' : /claimed|already/i.test(text) ? 'claimed' : 'invalid';
  return fail(code);
}

function mapUnknownAppliance(response: HttpErrorResponse): Failure | undefined {
  return response.status === 404 ? { ...fail('invalid', 'Central Command does not know this appliance'), retryable: false } : undefined;
}
