/** How often "time since last contact" is redrawn. Only the page's own clock ticks: the server is never polled. */
const TICK_MS = 1_000;

/** Now, as reactive state, for every "… ago" on the page. */
export class Clock {
  now = $state(Date.now());
  #timer: number | undefined;

  start(): void {
    this.#timer ??= window.setInterval(() => { this.now = Date.now(); }, TICK_MS);
  }

  stop(): void {
    window.clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
