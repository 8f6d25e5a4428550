import { getContext, setContext } from 'svelte';
import type {
  ApplianceState,
  FlowResult,
  IdentityInfo,
  OsirisBridge,
  PreflightReport,
  ProgressEvent,
  ValidatedCode,
} from './bridge';

export type Screen = 'loading' | 'welcome' | 'scan' | 'manual' | 'confirm' | 'progress' | 'success' | 'error' | 'provisioned' | 'no-bridge';

/** A failure as the error screen shows it. */
export interface ShownFailure {
  readonly code: string;
  readonly error: string;
  readonly hint?: string;
  readonly preflight?: PreflightReport;
  /** Where Retry goes: validate the code again, or run the provisioning again. */
  readonly retry: 'validate' | 'provision';
}

export type FlowSuccessData = Extract<FlowResult, { ok: true }>['data'];

/** Seconds without a touch before an unfinished wizard returns to the welcome screen. */
export const IDLE_TIMEOUT_MS = 120_000;
/** Seconds the success screen waits before handing over to the agent. */
export const HANDOVER_SECONDS = 15;

/**
 * The wizard's shared state and transitions, one instance per kiosk, passed to screens by context.
 * Screens render it and call its methods; only this class talks to the bridge.
 */
export class Wizard {
  screen = $state<Screen>('loading');
  identity = $state<IdentityInfo | null>(null);
  network = $state<PreflightReport | null>(null);
  networkChecking = $state(false);
  appliance = $state<ApplianceState | null>(null);
  code = $state('');
  endpoint = $state<string | undefined>(undefined);
  validated = $state<ValidatedCode | null>(null);
  events = $state<ProgressEvent[]>([]);
  result = $state<FlowSuccessData | null>(null);
  failure = $state<ShownFailure | null>(null);
  busy = $state(false);

  readonly percent = $derived(this.events.at(-1)?.percent ?? 0);
  readonly bridge: OsirisBridge | undefined;

  constructor(bridge: OsirisBridge | undefined) {
    this.bridge = bridge;
  }

  async start(): Promise<void> {
    const bridge = this.bridge;
    if (bridge === undefined) {
      this.screen = 'no-bridge';
      return;
    }
    bridge.onProgress((event) => {
      this.events = [...this.events, event];
    });
    let identity: IdentityInfo;
    let appliance: ApplianceState;
    try {
      [identity, appliance] = await Promise.all([bridge.identity(), bridge.state()]);
    } catch {
      // The engine behind the bridge is not answering: say so rather than spin forever.
      this.screen = 'no-bridge';
      return;
    }
    this.identity = identity;
    this.appliance = appliance;
    this.screen = appliance.state === 'provisioned' ? 'provisioned' : 'welcome';
    if (appliance.state !== 'provisioned') void this.checkNetwork();
  }

  async checkNetwork(): Promise<void> {
    if (this.bridge === undefined || this.networkChecking) return;
    this.networkChecking = true;
    try {
      this.network = await this.bridge.preflight();
    } finally {
      this.networkChecking = false;
    }
  }

  go(screen: 'welcome' | 'scan' | 'manual'): void {
    if (this.busy) return;
    this.failure = null;
    this.screen = screen;
  }

  /** A code from the camera or the keyboard: check it with the engine's rule, then ask the server whose it is. */
  async submitCode(code: string, endpoint?: string): Promise<void> {
    if (this.bridge === undefined || this.busy) return;
    this.busy = true;
    this.code = code;
    this.endpoint = endpoint;
    try {
      const result = await this.bridge.validate(endpoint === undefined ? { code } : { code, endpoint });
      if (result.ok) {
        this.validated = result.data;
        this.screen = 'confirm';
      } else {
        this.fail({
          code: result.code,
          error: result.error,
          ...(result.hint === undefined ? {} : { hint: result.hint }),
          ...(result.preflight === undefined ? {} : { preflight: result.preflight }),
          retry: 'validate',
        });
      }
    } finally {
      this.busy = false;
    }
  }

  /** Confirmed: run the flow. Ignored while one is running, so a double tap cannot claim twice. */
  async confirm(): Promise<void> {
    if (this.bridge === undefined || this.busy) return;
    await this.#provision(this.code === '' ? {} : { code: this.code, ...(this.endpoint === undefined ? {} : { endpoint: this.endpoint }) });
  }

  /** Finishes a claim an interrupted run left in the journal: no code needed. */
  async resume(): Promise<void> {
    if (this.bridge === undefined || this.busy) return;
    await this.#provision({});
  }

  async retry(): Promise<void> {
    const failure = this.failure;
    if (failure === null) return;
    if (failure.retry === 'provision' || this.appliance?.state === 'resumable') await this.confirm();
    else await this.submitCode(this.code, this.endpoint);
  }

  /** Back to the start, forgetting the code (the idle timeout does the same). */
  reset(): void {
    if (this.busy || this.screen === 'success' || this.screen === 'provisioned') return;
    this.code = '';
    this.endpoint = undefined;
    this.validated = null;
    this.failure = null;
    this.screen = 'welcome';
  }

  async finish(): Promise<void> {
    await this.bridge?.finish();
  }

  async #provision(request: { code?: string; endpoint?: string }): Promise<void> {
    const bridge = this.bridge;
    if (bridge === undefined) return;
    this.busy = true;
    this.events = [];
    this.screen = 'progress';
    try {
      const result = await bridge.provision(request);
      if (result.ok) {
        this.result = result.data;
        this.screen = 'success';
      } else {
        this.appliance = await bridge.state();
        this.fail({
          code: result.code,
          error: result.error,
          ...(result.hint === undefined ? {} : { hint: result.hint }),
          ...(result.preflight === undefined ? {} : { preflight: result.preflight }),
          retry: result.step === 'validate' ? 'validate' : 'provision',
        });
      }
    } finally {
      this.busy = false;
    }
  }

  fail(failure: ShownFailure): void {
    this.failure = failure;
    this.screen = 'error';
  }
}

const KEY = Symbol('wizard');

export function provideWizard(wizard: Wizard): void {
  setContext(KEY, wizard);
}

export function useWizard(): Wizard {
  return getContext<Wizard>(KEY);
}
