import { DROPSHIP_SLOW_INTERVAL_S } from '../constants.js';
import { sleep } from '../http/retry.js';
import { runDropshipFlow, type DropshipOptions } from './dropship.js';
import { FLOW_STEPS, type FlowResult, type ProgressEvent } from './events.js';

/** What the kiosk shows of drop-ship: the MAC to give the partner and how the wait is going. */
export interface DropshipStatus {
  /** off: not running (no server key, provisioned, stopped); waiting: polling; provisioning: assigned, finishing; done/failed: the outcome. */
  readonly state: 'off' | 'waiting' | 'provisioning' | 'done' | 'failed';
  readonly mac_address: string;
  readonly polls: number;
  /** When the next check is due (ISO time), while waiting. */
  readonly next_check_at?: string;
  /** Why it is off, or the last problem while waiting. */
  readonly message?: string;
  readonly result?: FlowResult;
}

export interface PollerOptions extends Omit<DropshipOptions, 'onEvent' | 'onWait' | 'signal'> {
  readonly mac_address?: string;
  /** The events after an assignment arrived (a page shows them like a claim's). */
  readonly onCommitEvent: (event: ProgressEvent) => void;
  readonly onCommitDone: () => void;
  /** The outcome of a run that provisioned the appliance. */
  readonly onDone?: (result: FlowResult) => void;
}

/** The first step that belongs to provisioning proper rather than to waiting. */
const COMMIT_FROM = FLOW_STEPS.indexOf('verify');
/** Outcomes after which polling stops for good; anything else (a bad signature, a disk error) is retried later. */
const FINAL = new Set(['exists', 'pending-claim', 'cancelled', 'server-key']);

/**
 * Drop-ship in the background of the kiosk, as on the real image: started at boot beside code
 * entry, reporting its status, restarting after a failure that a later poll may cure, and stopping
 * for good once the appliance is provisioned (by it or by a code).
 */
export class DropshipPoller {
  readonly #options: PollerOptions;
  #status: DropshipStatus;
  #controller: AbortController | undefined;

  constructor(options: PollerOptions) {
    this.#options = options;
    this.#status = { state: 'off', mac_address: options.identity?.mac_address ?? '', polls: 0 };
  }

  status(): DropshipStatus {
    return this.#status;
  }

  start(onStatus: (status: DropshipStatus) => void): () => void {
    this.stop();
    const controller = new AbortController();
    this.#controller = controller;
    const set = (status: Partial<DropshipStatus>) => {
      this.#status = { ...this.#status, ...status };
      if (!controller.signal.aborted) onStatus(this.#status);
    };
    void this.#loop(controller.signal, set);
    return () => {
      controller.abort();
    };
  }

  stop(): void {
    this.#controller?.abort();
    this.#controller = undefined;
  }

  async #loop(signal: AbortSignal, set: (status: Partial<DropshipStatus>) => void): Promise<void> {
    // A function, not a property read: the signal changes while this loop awaits.
    const stopped = () => signal.aborted;
    for (;;) {
      if (stopped()) return;
      set({ state: 'waiting' });
      const seen = { committing: false };
      const result = await runDropshipFlow({
        ...this.#options,
        signal,
        onWait: ({ polls, delayMs }) => { set({ state: 'waiting', polls, next_check_at: new Date(Date.now() + delayMs).toISOString() }); },
        onEvent: (event) => {
          if (event.step === 'assignment' && event.status === 'warning') set({ message: event.message });
          if (FLOW_STEPS.indexOf(event.step) < COMMIT_FROM) return;
          if (!seen.committing) set({ state: 'provisioning' });
          seen.committing = true;
          this.#options.onCommitEvent(event);
        },
      });
      if (seen.committing) this.#options.onCommitDone();
      if (result.ok) {
        this.#options.onDone?.(result);
        set({ state: 'done', result });
        return;
      }
      if (FINAL.has(result.code) || stopped()) {
        set({ state: seen.committing ? 'failed' : 'off', message: result.error, result });
        return;
      }
      set({ state: 'failed', message: result.error, result });
      await sleep(DROPSHIP_SLOW_INTERVAL_S * 1000, signal);
    }
  }
}
