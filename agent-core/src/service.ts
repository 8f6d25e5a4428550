import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { validateProvisionCode, type ValidatedCode } from './protocol/api.js';
import { parseProvisionCode } from './codes/codes.js';
import { CONFIG_FILE_NAME, DEFAULT_API_ENDPOINT, DEFAULT_STATE_DIR, JOURNAL_FILE_NAME } from './constants.js';
import { readConfigState } from './config/state.js';
import { parseConfigText } from './config/yaml-codec.js';
import { endpointToString, isAllowedEndpoint, parseApiEndpoint } from './http/endpoint.js';
import type { FlowResult, ProgressEvent } from './flow/events.js';
import { runProvisioningFlow } from './flow/flow.js';
import { startHeartbeats } from './flow/heartbeat.js';
import { HttpClient } from './http/client.js';
import { getIdentity, type ApplianceIdentity, type IdentityOptions } from './identity/index.js';
import { readJournal } from './state/journal.js';
import { runPreflight, type PreflightReport } from './http/preflight.js';
import { parseQrPayload, type QrProvisioning } from './codes/qr-payload.js';
import { fail, isNetworkFailure, ok, type Failure, type Result, type Success } from './result.js';
import { VERSION } from './version.js';

export interface ServiceOptions {
  readonly apiEndpoint?: string;
  readonly stateDir?: string;
  readonly configPath?: string;
  /** Endpoints a QR code may name besides `apiEndpoint` (lab or regional backends). */
  readonly allowedEndpoints?: readonly string[];
  readonly caFile?: string;
  readonly timeoutMs?: number;
  readonly identity?: IdentityOptions;
}

export type ApplianceState =
  | { readonly state: 'fresh'; readonly note?: string }
  | { readonly state: 'provisioned'; readonly site_id: string; readonly config_path: string }
  | { readonly state: 'resumable'; readonly site_id: string; readonly code_hint: string };

export type ValidateOutcome = Success<ValidatedCode> | (Failure & { readonly preflight?: PreflightReport });

export interface IdentityInfo extends ApplianceIdentity {
  readonly version: string;
}

/**
 * The engine as the kiosk sees it: what the wizard may ask for, and nothing more. Electron's main
 * process and the browser test harness both expose exactly this through the bridge. Anything the
 * UI passes in (codes, QR text, an endpoint) is checked again here: the UI is not trusted.
 */
export class ProvisioningService {
  readonly #options: ServiceOptions;
  readonly #apiEndpoint: string;
  readonly #configPath: string;
  readonly #identity: ApplianceIdentity;
  #running = false;

  constructor(options: ServiceOptions = {}) {
    this.#options = options;
    this.#apiEndpoint = options.apiEndpoint ?? DEFAULT_API_ENDPOINT;
    this.#configPath = options.configPath ?? join(options.stateDir ?? DEFAULT_STATE_DIR, CONFIG_FILE_NAME);
    this.#identity = getIdentity(options.identity);
  }

  identity(): IdentityInfo {
    return { ...this.#identity, version: VERSION };
  }

  async preflight(): Promise<PreflightReport> {
    const endpoint = parseApiEndpoint(this.#apiEndpoint);
    if (!endpoint.ok) throw new TypeError(endpoint.error);
    const client = HttpClient.create({ endpoint: endpoint.data, timeoutMs: this.#options.timeoutMs ?? 10_000, retry: { attempts: 1 }, ...this.#ca() });
    if (!client.ok) throw new TypeError(client.error);
    try {
      return await runPreflight({ client: client.data, ...this.#ca() });
    } finally {
      await client.data.close();
    }
  }

  /** Fresh, already provisioned (with the site), or holding a claim an interrupted run did not finish. */
  async state(): Promise<ApplianceState> {
    const config = await readConfigState(this.#configPath);
    if (config.state === 'valid') {
      const loaded = parseConfigText(await readFile(this.#configPath, 'utf8'));
      return { state: 'provisioned', site_id: loaded.ok ? loaded.data.site_id : 'unknown', config_path: this.#configPath };
    }
    const journal = await readJournal(join(dirname(this.#configPath), JOURNAL_FILE_NAME));
    if (journal.state === 'found') return { state: 'resumable', site_id: journal.entry.claim.site_id, code_hint: journal.entry.code_hint };
    return config.state === 'invalid' ? { state: 'fresh', note: `The existing configuration is unusable (${config.reason}) and will be replaced.` } : { state: 'fresh' };
  }

  parseQr(text: string): Result<QrProvisioning> {
    return parseQrPayload(text, this.#allowed());
  }

  /** Asks the server about a code; a network failure comes with the preflight that explains it. */
  async validate(code: string, endpoint?: string): Promise<ValidateOutcome> {
    const target = this.#endpoint(endpoint);
    if (!target.ok) return target;
    const result = await validateProvisionCode(code, { apiEndpoint: target.data, timeoutMs: this.#options.timeoutMs, ...this.#ca() });
    if (result.ok || !isNetworkFailure(result)) return result;
    const preflight = await this.preflight();
    return { ...result, ...(preflight.failed?.hint === undefined ? {} : { hint: preflight.failed.hint }), preflight };
  }

  /** Runs the whole flow; one at a time, so a double tap cannot claim twice. */
  async provision(code: string | undefined, endpoint: string | undefined, onEvent: (event: ProgressEvent) => void): Promise<FlowResult> {
    if (this.#running) return { ...fail('usage', 'Provisioning is already running'), step: 'identity' };
    const target = this.#endpoint(endpoint);
    if (!target.ok) return { ...target, step: 'identity' };
    if (code !== undefined) {
      const parsed = parseProvisionCode(code);
      if (!parsed.ok) return { ...parsed, step: 'validate' };
    }
    this.#running = true;
    try {
      return await runProvisioningFlow({
        ...(code === undefined ? {} : { code }),
        apiEndpoint: target.data,
        configPath: this.#configPath,
        stateDir: this.#options.stateDir ?? dirname(this.#configPath),
        identity: this.#identity,
        http: { ...(this.#options.timeoutMs === undefined ? {} : { timeoutMs: this.#options.timeoutMs }), ...this.#ca() },
        onEvent,
      });
    } finally {
      this.#running = false;
    }
  }

  /** Heartbeats while the wizard waits for a code; returns the stop function. */
  heartbeats(): () => void {
    return startHeartbeats({ identity: this.#identity, apiEndpoint: this.#apiEndpoint, retry: { attempts: 1 }, ...this.#ca() });
  }

  #allowed(): string[] {
    return [this.#apiEndpoint, ...(this.#options.allowedEndpoints ?? [])];
  }

  /** The configured endpoint, or one the UI passed on from a QR code if (and only if) it is allowed. */
  #endpoint(requested: string | undefined): Result<string> {
    if (requested === undefined) return ok(this.#apiEndpoint);
    const parsed = parseApiEndpoint(requested);
    if (!parsed.ok || !isAllowedEndpoint(parsed.data, this.#allowed())) return fail('untrusted-endpoint');
    return ok(endpointToString(parsed.data));
  }

  #ca(): { caFile?: string } {
    return this.#options.caFile === undefined ? {} : { caFile: this.#options.caFile };
  }
}
