import { parseProvisionCode } from './codes/codes.js';
import { parseQrPayload, type QrProvisioning } from './codes/qr-payload.js';
import { readConfigIds } from './config/ids.js';
import { readConfigState } from './config/state.js';
import { DEFAULT_API_ENDPOINT, DEFAULT_SERVER_KEY_PATH, PREFLIGHT_STAGE_TIMEOUT_MS } from './constants.js';
import { DropshipPoller, type DropshipStatus } from './flow/dropship-poller.js';
import type { FlowResult, ProgressEvent } from './flow/events.js';
import { runProvisioningFlow } from './flow/flow.js';
import { startHeartbeats } from './flow/heartbeat.js';
import { flowPaths, type FlowPaths } from './flow/prepare.js';
import { HttpClient } from './http/client.js';
import { fetchPartnerLogo, type PartnerLogo } from './http/logo.js';
import { endpointToString, isAllowedEndpoint, parseApiEndpoint } from './http/endpoint.js';
import { runPreflight, type PreflightReport } from './http/preflight.js';
import { getIdentity, type ApplianceIdentity, type IdentityOptions } from './identity/index.js';
import { validateProvisionCode, type ValidatedCode } from './protocol/api.js';
import type { Partner } from './protocol/answers.js';
import { fail, isNetworkFailure, ok, type Failure, type Result, type Success } from './result.js';
import { readJournal } from './state/journal.js';
import { hasMarker } from './state/marker.js';
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
  /** Central Command's public key for drop-ship; /etc/msp/central-command.pub by default. */
  readonly serverKeyPath?: string;
  readonly authorizedKeysPath?: string;
  /** Where the events of any running flow go (the kiosk's progress channel), code claim or drop-ship alike. */
  readonly onProgress?: (event: ProgressEvent) => void;
}

export type ApplianceState =
  | { readonly state: 'fresh'; readonly note?: string }
  | { readonly state: 'provisioned'; readonly site_id: string; readonly config_path: string }
  | {
      readonly state: 'resumable';
      readonly site_id: string;
      readonly code_hint?: string;
      readonly partner?: string;
      readonly created_at: string;
      readonly source: 'claim' | 'dropship';
    }
  /** A flow is running (a reloaded page re-attaches to it): its events so far. */
  | { readonly state: 'running'; readonly source: 'claim' | 'dropship'; readonly events: readonly ProgressEvent[] };

export type ValidateOutcome = Success<ValidatedCode> | (Failure & { readonly preflight?: PreflightReport });

export interface IdentityInfo extends ApplianceIdentity {
  readonly version: string;
}

export interface ProvisionRequest {
  /** Omitted to finish an unfinished claim. */
  readonly code?: string;
  /** A backend named by a QR code; honoured only if allowed. */
  readonly endpoint?: string;
  /** The technician chose to drop an unfinished claim and use this code instead. */
  readonly discardClaim?: boolean;
}

/**
 * The engine as the kiosk sees it: what the wizard may ask for, and nothing more. Electron's main
 * process and the browser test harness both expose exactly this through the bridge. Anything the
 * UI passes in (codes, QR text, an endpoint) is checked again here: the UI is not trusted.
 */
export class ProvisioningService {
  readonly #options: ServiceOptions;
  readonly #apiEndpoint: string;
  readonly #paths: FlowPaths;
  readonly #identity: ApplianceIdentity;
  #run: { source: 'claim' | 'dropship'; events: ProgressEvent[] } | undefined;
  #stopBeats: (() => void) | undefined;
  readonly #poller: DropshipPoller;
  /** One client per backend for the service's life: the connection a heartbeat warms is the one the claim uses. */
  readonly #clients = new Map<string, HttpClient>();
  /** The partner of the run that provisioned this appliance, and its logo once asked for (fetched once). */
  #partner: Partner | undefined;
  #logo: Promise<PartnerLogo | null> | undefined;

  constructor(options: ServiceOptions = {}) {
    this.#options = options;
    this.#apiEndpoint = options.apiEndpoint ?? DEFAULT_API_ENDPOINT;
    this.#paths = flowPaths(options.stateDir, options.configPath);
    this.#identity = getIdentity(options.identity);
    this.#poller = new DropshipPoller({
      apiEndpoint: this.#apiEndpoint,
      stateDir: this.#paths.stateDir,
      configPath: this.#paths.configPath,
      serverKeyPath: options.serverKeyPath ?? DEFAULT_SERVER_KEY_PATH,
      identity: this.#identity,
      http: this.#http(),
      ...(options.authorizedKeysPath === undefined ? {} : { authorizedKeysPath: options.authorizedKeysPath }),
      onCommitEvent: (event) => {
        this.#record('dropship', event);
        options.onProgress?.(event);
      },
      onCommitDone: () => { this.#run = undefined; },
      onDone: (result) => { this.#succeeded(result); },
    });
  }

  identity(): IdentityInfo {
    return { ...this.#identity, version: VERSION };
  }

  async preflight(): Promise<PreflightReport> {
    const endpoint = parseApiEndpoint(this.#apiEndpoint);
    if (!endpoint.ok) throw new TypeError(endpoint.error);
    const client = HttpClient.create({ endpoint: endpoint.data, timeoutMs: this.#options.timeoutMs ?? PREFLIGHT_STAGE_TIMEOUT_MS * 2, retry: { attempts: 1 }, ...this.#ca() });
    if (!client.ok) throw new TypeError(client.error);
    try {
      return await runPreflight({ client: client.data, ...this.#ca() });
    } finally {
      await client.data.close();
    }
  }

  /** Running (with its events so far), provisioned (with the site), holding an unfinished claim, or fresh. */
  async state(): Promise<ApplianceState> {
    if (this.#run !== undefined) return { state: 'running', source: this.#run.source, events: [...this.#run.events] };
    const config = await readConfigState(this.#paths.configPath);
    const journal = await readJournal(this.#paths.journalPath);
    if (journal.state === 'found') {
      const { entry } = journal;
      return {
        state: 'resumable',
        site_id: entry.site.site_id,
        created_at: entry.created_at,
        source: entry.source,
        ...(entry.code_hint === undefined ? {} : { code_hint: entry.code_hint }),
        ...(entry.site.partner.brand_name === undefined ? {} : { partner: entry.site.partner.brand_name }),
      };
    }
    if (config.state === 'valid') return { state: 'provisioned', site_id: readConfigIds(this.#paths.configPath).site_id || 'unknown', config_path: this.#paths.configPath };
    return config.state === 'invalid' ? { state: 'fresh', note: `The existing configuration is unusable (${config.reason}) and will be replaced.` } : { state: 'fresh' };
  }

  parseQr(text: string): Result<QrProvisioning> {
    return parseQrPayload(text, this.#allowed());
  }

  /** Asks the server about a code; a network failure comes with the preflight that explains it. */
  async validate(code: string, endpoint?: string): Promise<ValidateOutcome> {
    const target = this.#endpoint(endpoint);
    if (!target.ok) return target;
    const client = this.#client(target.data);
    if (!client.ok) return client;
    const result = await validateProvisionCode(code, { client: client.data });
    if (result.ok) {
      // While the technician reads the Confirm screen: the dashboard sees the box, and the connection stays warm for the claim.
      this.#stopBeats?.();
      this.#stopBeats = startHeartbeats({ identity: this.#identity, code, client: client.data, retry: { attempts: 1 } });
      return result;
    }
    if (!isNetworkFailure(result)) return result;
    const preflight = await this.preflight();
    return { ...result, ...(preflight.failed?.hint === undefined ? {} : { hint: preflight.failed.hint }), preflight };
  }

  /** Runs the whole flow; one at a time, so a double tap cannot claim twice. */
  async provision(request: ProvisionRequest, onEvent: (event: ProgressEvent) => void = () => undefined): Promise<FlowResult> {
    if (this.#run !== undefined) return { ...fail('locked', 'Provisioning is already running'), step: 'identity' };
    const target = this.#endpoint(request.endpoint);
    if (!target.ok) return { ...target, step: 'identity' };
    if (request.code !== undefined) {
      const parsed = parseProvisionCode(request.code);
      if (!parsed.ok) return { ...parsed, step: 'validate' };
    }
    this.#stopBeats?.();
    this.#stopBeats = undefined;
    const client = this.#client(target.data);
    this.#run = { source: 'claim', events: [] };
    try {
      const result = await runProvisioningFlow({
        ...(request.code === undefined ? {} : { code: request.code }),
        ...(request.discardClaim === true ? { discardClaim: true } : {}),
        apiEndpoint: target.data,
        configPath: this.#paths.configPath,
        stateDir: this.#paths.stateDir,
        identity: this.#identity,
        http: this.#http(),
        ...(client.ok ? { client: client.data } : {}),
        purpose: 'the kiosk',
        ...(this.#options.authorizedKeysPath === undefined ? {} : { authorizedKeysPath: this.#options.authorizedKeysPath }),
        onEvent: (event) => {
          this.#record('claim', event);
          onEvent(event);
        },
      });
      this.#succeeded(result);
      return result;
    } finally {
      this.#run = undefined;
    }
  }

  /**
   * Drop-ship from boot, beside code entry: polls until a partner assigns this MAC, then provisions
   * (its steps reach `onProgress` like a claim's). Returns the function that stops it.
   */
  startDropship(onStatus: (status: DropshipStatus) => void): () => void {
    return this.#poller.start(onStatus);
  }

  dropshipStatus(): DropshipStatus {
    return this.#poller.status();
  }

  /**
   * The logo of the partner that provisioned this appliance (claim or drop-ship), fetched by the
   * engine once and only once asked — for the Success screen: the real validate answer has no logo,
   * so before the claim there is only the initial. Null when there is none or it cannot be used.
   */
  partnerLogo(): Promise<PartnerLogo | null> {
    const url = this.#partner?.logo_url;
    if (url === undefined) return Promise.resolve(null);
    this.#logo ??= fetchPartnerLogo(url, this.#ca()).then((logo) => (logo.ok ? logo.data : null));
    return this.#logo;
  }

  /** Whether the hand-over may happen: a config the agent can load, and the finished marker beside it. */
  async canHandOver(): Promise<Result<void>> {
    const config = await readConfigState(this.#paths.configPath);
    if (config.state !== 'valid') return fail('io', 'The appliance is not provisioned yet: there is no usable configuration');
    if (!hasMarker(this.#paths.configPath)) return fail('io', 'Provisioning has not finished yet');
    return ok(undefined);
  }

  stop(): void {
    this.#stopBeats?.();
    this.#poller.stop();
    for (const client of this.#clients.values()) void client.close();
    this.#clients.clear();
  }

  #client(endpoint: string): Result<HttpClient> {
    const known = this.#clients.get(endpoint);
    if (known !== undefined) return ok(known);
    const url = parseApiEndpoint(endpoint);
    if (!url.ok) return url;
    const created = HttpClient.create({ endpoint: url.data, ...this.#http() });
    if (created.ok) this.#clients.set(endpoint, created.data);
    return created;
  }

  #succeeded(result: FlowResult): void {
    if (!result.ok) return;
    this.#partner = result.data.partner;
    this.#logo = undefined;
  }

  #record(source: 'claim' | 'dropship', event: ProgressEvent): void {
    this.#run ??= { source, events: [] };
    this.#run.events.push(event);
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

  #http(): { timeoutMs?: number; caFile?: string } {
    return { ...(this.#options.timeoutMs === undefined ? {} : { timeoutMs: this.#options.timeoutMs }), ...this.#ca() };
  }

  #ca(): { caFile?: string } {
    return this.#options.caFile === undefined ? {} : { caFile: this.#options.caFile };
  }
}

export type { DropshipStatus, PartnerLogo };
