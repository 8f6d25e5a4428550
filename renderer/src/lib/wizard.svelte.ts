import { getContext, setContext } from 'svelte';
import type { BridgeApplianceState, IdentityInfo, OsirisBridge, PreflightReport, ProgressEvent, ValidatedCode } from './bridge';
import { DropshipWatch } from './dropship.svelte';
import { engineFailure, shownFailure, type Failed, type RetryKind, type ShownFailure } from './failures';
import { TIMING, type Timing } from './timing';
import { answerWithin } from './watchdog';

export type Screen = 'loading' | 'welcome' | 'scan' | 'manual' | 'confirm' | 'progress' | 'success' | 'error' | 'provisioned' | 'cannot-start';
export type CodeSource = 'scan' | 'manual';
export type { ShownFailure };

/** What the success screen shows: a run's result, or (re-attached after a reload) what the state call knows. */
export interface Finished {
  readonly site_id: string;
  readonly config_path: string;
  readonly partner?: { readonly brand_name?: string | null; readonly primary_color?: string | null };
  readonly warnings: readonly string[];
}

/**
 * The wizard's shared state and transitions, one instance per kiosk, passed to screens by context.
 * Screens render it and call its methods; only this class talks to the bridge, and every call has a
 * watchdog: an engine that throws or never answers leads to a screen with a way forward.
 */
export class Wizard {
  screen = $state<Screen>('loading');
  startProblem = $state<'no-bridge' | 'no-answer'>('no-answer');
  identity = $state<IdentityInfo | null>(null);
  network = $state<PreflightReport | null>(null);
  networkChecking = $state(false);
  appliance = $state<BridgeApplianceState | null>(null);
  code = $state('');
  endpoint = $state<string | undefined>(undefined);
  source = $state<CodeSource>('manual');
  validated = $state<ValidatedCode | null>(null);
  events = $state<ProgressEvent[]>([]);
  result = $state<Finished | null>(null);
  failure = $state<ShownFailure | null>(null);
  validating = $state(false);
  provisioning = $state(false);
  handingOver = $state(false);
  /** The technician chose a new code over the unfinished claim on disk: the claim sets it aside (kept for support). */
  discardClaim = $state(false);
  /** Drop-ship's status for the Welcome screen; undefined without a bridge. */
  readonly dropship: DropshipWatch | undefined;
  /** When the current wait began, and when it last had news (Date.now()): for elapsed time and "Still trying…". */
  waitStarted = $state(0);
  lastNews = $state(0);

  readonly busy = $derived(this.validating || this.provisioning);
  readonly percent = $derived(this.events.at(-1)?.percent ?? 0);
  readonly bridge: OsirisBridge | undefined;
  readonly timing: Timing;
  #subscribed = false;
  /** Bumped to drop the answer of a validation the technician cancelled. */
  #validation = 0;

  constructor(bridge: OsirisBridge | undefined, timing: Partial<Timing> = {}) {
    this.bridge = bridge;
    this.timing = { ...TIMING, ...timing };
    this.dropship = bridge === undefined ? undefined : new DropshipWatch(bridge, this.timing.dropshipMs, this.timing.localMs);
  }

  async start(): Promise<void> {
    const bridge = this.bridge;
    if (bridge === undefined) {
      this.startProblem = 'no-bridge';
      this.screen = 'cannot-start';
      return;
    }
    if (!this.#subscribed) {
      this.#subscribed = true;
      bridge.onProgress((event) => {
        // Steps this page did not start: a partner assigned the appliance (drop-ship) and the engine is provisioning.
        if (!this.provisioning && !this.handingOver && this.screen !== 'success') void this.#watchRun([event]);
        else this.events = [...this.events, event];
        this.lastNews = Date.now();
      });
    }
    this.screen = 'loading';
    const answer = await answerWithin(() => Promise.all([bridge.identity(), bridge.state()]), this.timing.startMs);
    if (answer.kind !== 'answer') {
      this.startProblem = 'no-answer';
      this.screen = 'cannot-start';
      return;
    }
    const [identity, appliance] = answer.value;
    this.identity = identity;
    this.appliance = appliance;
    if (appliance.state === 'provisioned') this.screen = 'provisioned';
    else if (appliance.state === 'running') void this.#watchRun(appliance.events);
    else {
      this.screen = 'welcome';
      void this.checkNetwork();
      this.dropship?.watch(() => !this.provisioning && !this.handingOver && this.screen !== 'success' && this.screen !== 'provisioned');
    }
  }

  async checkNetwork(): Promise<void> {
    const bridge = this.bridge;
    if (bridge === undefined || this.networkChecking) return;
    this.networkChecking = true;
    const answer = await answerWithin(() => bridge.preflight(), this.timing.validateMs);
    this.network = answer.kind === 'answer' ? answer.value : null;
    this.networkChecking = false;
  }

  /** Moves between the screens before the claim; leaving while a code is being checked cancels the check. */
  go(screen: 'welcome' | 'scan' | 'manual'): void {
    if (this.provisioning) return;
    this.cancelValidation();
    this.failure = null;
    this.screen = screen;
  }

  /** A code from the camera or the keyboard, already checked by the engine's rule: ask the server whose it is. */
  async submitCode(code: string, endpoint?: string, source: CodeSource = this.source): Promise<void> {
    const bridge = this.bridge;
    if (bridge === undefined || this.busy) return;
    const ticket = (this.#validation += 1);
    this.code = code;
    this.endpoint = endpoint;
    this.source = source;
    this.#beginWait();
    this.validating = true;
    const answer = await answerWithin(() => bridge.validate(endpoint === undefined ? { code } : { code, endpoint }), this.timing.validateMs);
    // Cancelled meanwhile: the technician has moved on, and this late answer must not move them back.
    if (ticket !== this.#validation) return;
    this.validating = false;
    if (answer.kind !== 'answer') this.#fail(engineFailure(answer), 'validate');
    else if (!answer.value.ok) this.#fail(answer.value, 'validate');
    else {
      this.validated = answer.value.data;
      this.screen = 'confirm';
    }
  }

  /** Stops waiting for a code check (nothing irreversible happens there); its answer is ignored when it comes. */
  cancelValidation(): void {
    if (!this.validating) return;
    this.#validation += 1;
    this.validating = false;
  }

  /** Confirmed: run the flow. Ignored while one is running, so a double tap cannot claim twice. */
  async confirm(): Promise<void> {
    await this.#provision(this.code === '' ? {} : {
      code: this.code,
      ...(this.endpoint === undefined ? {} : { endpoint: this.endpoint }),
      ...(this.discardClaim ? { discardClaim: true } : {}),
    });
  }

  /** The technician, told of an unfinished claim, chose the code they entered over it. */
  async discardAndConfirm(): Promise<void> {
    this.discardClaim = true;
    await this.confirm();
  }

  /** Chosen on purpose over an unfinished claim: take a new code; the claim on disk is set aside when it is used. */
  useNewCode(screen: CodeSource): void {
    this.discardClaim = true;
    this.go(screen);
  }

  /** Finishes a claim an interrupted run left in the journal: no code needed. */
  async resume(): Promise<void> {
    await this.#provision({});
  }

  async retry(): Promise<void> {
    const kind: RetryKind | undefined = this.failure?.retry;
    if (kind === 'start') await this.start();
    else if (kind === 'finish') await this.finish();
    else if (kind === 'resume' || this.appliance?.state === 'resumable') await this.resume();
    else if (kind === 'provision') await this.confirm();
    else if (kind === 'validate') await this.submitCode(this.code, this.endpoint);
  }

  /** Back to the start, forgetting the code (the idle timeout does the same). */
  reset(): void {
    if (this.provisioning || this.handingOver || this.screen === 'success' || this.screen === 'provisioned') return;
    this.cancelValidation();
    this.code = '';
    this.endpoint = undefined;
    this.validated = null;
    this.failure = null;
    this.discardClaim = false;
    this.screen = 'welcome';
  }

  /** Hands over to the compliance agent; an engine that refuses (no valid config) or does not answer leads to the error screen. */
  async finish(): Promise<void> {
    const bridge = this.bridge;
    if (bridge === undefined || this.handingOver) return;
    this.handingOver = true;
    const answer = await answerWithin(() => bridge.finish(), this.timing.localMs);
    if (answer.kind === 'answer' && answer.value.ok) return; // The kiosk exits; the agent starts.
    this.handingOver = false;
    const refused = answer.kind === 'answer' ? { code: 'finish-refused', error: answer.value.ok ? '' : (answer.value.error ?? '') } : engineFailure(answer);
    this.#fail(refused, 'finish');
  }

  async #provision(request: { code?: string; endpoint?: string; discardClaim?: boolean }): Promise<void> {
    const bridge = this.bridge;
    if (bridge === undefined || this.busy || this.handingOver) return;
    this.provisioning = true;
    this.events = [];
    this.#beginWait();
    this.screen = 'progress';
    const answer = await answerWithin(() => bridge.provision(request), this.timing.provisionMs);
    if (answer.kind === 'answer') {
      const result = answer.value;
      if (result.ok) this.#succeed(result.data);
      else {
        await this.#refreshState();
        this.#fail(result, result.step === 'validate' ? 'validate' : 'provision');
      }
      this.provisioning = false;
      return;
    }
    // No answer in time, or a broken call: the run may still be going, or may have finished. Ask.
    await this.#watchRun(this.events, engineFailure(answer));
  }

  /**
   * Follows a run this page did not start (after a reload) or whose call stopped answering: shows
   * its events, asks the engine every few seconds whether it has ended, and lands on success or an
   * error with a way forward. Without the engine's "running" state, the first answer ends the watch.
   */
  async #watchRun(events: readonly ProgressEvent[], lost?: Failed): Promise<void> {
    this.provisioning = true;
    this.events = [...events];
    if (this.screen !== 'progress') this.#beginWait();
    this.screen = 'progress';
    for (;;) {
      const state = await this.#refreshState();
      if (state?.state === 'running') {
        if (state.events.length > this.events.length) this.events = [...state.events];
        await new Promise((resolve) => setTimeout(resolve, this.timing.runningPollMs));
        continue;
      }
      this.provisioning = false;
      if (state?.state === 'provisioned') this.#succeed({ site_id: state.site_id, config_path: state.config_path, warnings: [] });
      else if (state === undefined) this.#fail(lost ?? { code: 'engine-timeout', error: '' }, 'provision');
      else this.#fail(lost ?? { code: 'run-ended', error: '' }, state.state === 'resumable' ? 'resume' : 'provision');
      return;
    }
  }

  async #refreshState(): Promise<BridgeApplianceState | undefined> {
    const bridge = this.bridge;
    if (bridge === undefined) return undefined;
    const answer = await answerWithin(() => bridge.state(), this.timing.localMs);
    if (answer.kind !== 'answer') return undefined;
    this.appliance = answer.value;
    return answer.value;
  }

  #succeed(result: Finished): void {
    this.result = result;
    this.screen = 'success';
  }

  #beginWait(): void {
    this.waitStarted = Date.now();
    this.lastNews = this.waitStarted;
  }

  #fail(failed: Failed, retry: RetryKind): void {
    this.failure = shownFailure(failed, retry);
    this.screen = 'error';
  }

  /** Shows a failure (tests and the cannot-start screen's Try again use it too). */
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
