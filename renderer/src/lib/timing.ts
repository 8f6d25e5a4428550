/**
 * How long the wizard waits for the engine before it stops waiting, and the pace of what it shows
 * meanwhile. One place, injectable (tests shorten them, or move a fake clock past them).
 */
export interface Timing {
  /** identity + state at start; past it, "Setup cannot start" with Try again. */
  readonly startMs: number;
  /** A code check: the engine's request timeout (45 s, retries included) plus the network diagnosis after a failure. */
  readonly validateMs: number;
  /** A whole run: claim, config, status report and config fetch, each with its own 45 s request timeout. */
  readonly provisionMs: number;
  /** A state or finish call: local work only. */
  readonly localMs: number;
  /** While re-attached to a run started before a reload: how often to ask whether it has ended. */
  readonly runningPollMs: number;
  /** With no news for this long, a wait says "Still trying…". */
  readonly stillTryingMs: number;
  /** The elapsed-time display's tick. */
  readonly tickMs: number;
  /** The success screen's count-down before handing over: long enough to note the site ID. */
  readonly handoverSeconds: number;
  /** An unfinished wizard left alone goes back to the start. */
  readonly idleMs: number;
  /** How often the Welcome screen asks how drop-ship is going (the engine itself polls Central Command). */
  readonly dropshipMs: number;
}

export const TIMING: Timing = {
  startMs: 15_000,
  validateMs: 120_000,
  provisionMs: 300_000,
  localMs: 15_000,
  runningPollMs: 2_000,
  stillTryingMs: 5_000,
  tickMs: 1_000,
  handoverSeconds: 60,
  idleMs: 120_000,
  dropshipMs: 5_000,
};

/**
 * A User Timing mark set when the Welcome screen is first in the page, ready for a tap: the wizard's
 * "interactive" moment, read by `npm run bench` in the page's own clock (no test driver's latency in it).
 */
export const INTERACTIVE_MARK = 'osiris:interactive';
