import type { DropshipStatus, OsirisBridge } from './bridge';
import { answerWithin } from './watchdog';

/**
 * What the Welcome screen shows of drop-ship: the engine polls Central Command in the background
 * (a partner may assign this MAC at any time); the page asks the engine how that is going every few
 * seconds while it is on a screen where a technician could still be waiting.
 */
export class DropshipWatch {
  status = $state<DropshipStatus | null>(null);
  readonly #bridge: OsirisBridge;
  readonly #everyMs: number;
  readonly #answerMs: number;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(bridge: OsirisBridge, everyMs: number, answerMs: number) {
    this.#bridge = bridge;
    this.#everyMs = everyMs;
    this.#answerMs = answerMs;
  }

  /** Starts (or keeps) asking; `active` says whether the wizard still wants to know. */
  watch(active: () => boolean): void {
    if (this.#timer !== undefined) return;
    const tick = async () => {
      this.#timer = undefined;
      if (!active()) return;
      const answer = await answerWithin(() => this.#bridge.dropship(), this.#answerMs);
      if (answer.kind === 'answer') this.status = answer.value;
      if (active()) this.#timer = setTimeout(() => void tick(), this.#everyMs);
    };
    void tick();
  }

  stop(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
