import {
  DROPSHIP_DAY_INTERVAL_S,
  DROPSHIP_DAY_MS,
  DROPSHIP_FAST_INTERVAL_S,
  DROPSHIP_FAST_POLLS,
  DROPSHIP_JITTER,
  DROPSHIP_RETRY_MAX_S,
  DROPSHIP_RETRY_MIN_S,
  DROPSHIP_SLOW_INTERVAL_S,
} from '../constants.js';

/**
 * How long to wait before the next drop-ship poll. The server's `retry_seconds` is honoured, within
 * bounds (a hostile 0 must not become a busy loop, nor a huge value a box that never asks again).
 * Without one (the server could not be reached), the real image's schedule: six tries 10 s apart,
 * then every minute for a day; after a day, never more often than every 5 minutes. Jitter of ±20 %
 * keeps a shipment of boxes powered on together from polling in step.
 */
export function nextPollDelayMs(polls: number, elapsedMs: number, retrySeconds: number | undefined, random: () => number = Math.random): number {
  const schedule = polls < DROPSHIP_FAST_POLLS ? DROPSHIP_FAST_INTERVAL_S : elapsedMs < DROPSHIP_DAY_MS ? DROPSHIP_DAY_INTERVAL_S : DROPSHIP_SLOW_INTERVAL_S;
  let seconds = retrySeconds === undefined ? schedule : Math.min(DROPSHIP_RETRY_MAX_S, Math.max(DROPSHIP_RETRY_MIN_S, retrySeconds));
  if (elapsedMs >= DROPSHIP_DAY_MS) seconds = Math.max(seconds, DROPSHIP_SLOW_INTERVAL_S);
  return Math.round(seconds * 1000 * (1 + DROPSHIP_JITTER * (2 * random() - 1)));
}
