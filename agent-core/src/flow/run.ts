import type { WritePhase } from '../fs/atomic-write.js';
import type { Failure } from '../result.js';
import { STEP_PERCENT, type FlowFailure, type FlowStep, type ProgressEvent, type StepStatus } from './events.js';

/** Test seams for crash-safety tests: called after each step and at each phase of each file write. */
export interface FlowHooks {
  readonly afterStep?: (step: FlowStep) => void | Promise<void>;
  readonly onWritePhase?: (file: 'journal' | 'config', phase: WritePhase) => void | Promise<void>;
}

/**
 * One run's progress reporting, shared by both ways in (code and drop-ship) and the steps after
 * the point of no return: events with a monotonic percentage, failures tagged with their step, and
 * warnings collected for the result.
 */
export class FlowRun {
  readonly warnings: string[] = [];
  #percent = 0;
  readonly #onEvent: ((event: ProgressEvent) => void) | undefined;
  readonly #hooks: FlowHooks | undefined;

  constructor(onEvent?: (event: ProgressEvent) => void, hooks?: FlowHooks) {
    this.#onEvent = onEvent;
    this.#hooks = hooks;
  }

  emit(step: FlowStep, status: StepStatus, message: string): void {
    if (status === 'done' || status === 'skipped') this.#percent = Math.max(this.#percent, STEP_PERCENT[step]);
    this.#onEvent?.({ step, status, percent: this.#percent, message });
  }

  warn(step: FlowStep, message: string): void {
    this.warnings.push(message);
    this.emit(step, 'warning', message);
  }

  fail(step: FlowStep, failure: Failure, extra: Partial<FlowFailure> = {}): FlowFailure {
    this.emit(step, 'failed', failure.error);
    return { ...failure, ...extra, step };
  }

  async after(step: FlowStep): Promise<void> {
    await this.#hooks?.afterStep?.(step);
  }

  /** Tells the test hooks, if any, each phase of an atomic write of `file` (a no-op without hooks). */
  phaseHook(file: 'journal' | 'config'): (phase: WritePhase) => void | Promise<void> {
    return (phase) => this.#hooks?.onWritePhase?.(file, phase);
  }
}
