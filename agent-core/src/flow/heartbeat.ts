import { sendHeartbeat, type ApiOptions } from '../protocol/api.js';
import { HEARTBEAT_INTERVAL_MS } from '../constants.js';
import type { HeartbeatResponse } from '../protocol/contract.js';
import type { ApplianceIdentity } from '../identity/index.js';
import type { Result } from '../result.js';

export interface HeartbeatOptions extends ApiOptions {
  readonly identity: ApplianceIdentity;
  readonly status?: string;
  readonly intervalMs?: number;
  /** Told about each beat's outcome (the kiosk shows "seen by Central Command"). */
  readonly onBeat?: (result: Result<HeartbeatResponse>) => void;
}

/**
 * Heartbeats every 60 s while the appliance waits for a code, so the partner dashboard shows a box
 * powered on at the clinic. One beat at a time; failures are reported to `onBeat`, never thrown.
 * Returns the function that stops them.
 */
export function startHeartbeats(options: HeartbeatOptions): () => void {
  const controller = new AbortController();
  let inFlight = false;
  const stopped = () => controller.signal.aborted;
  const beat = async () => {
    if (inFlight || stopped()) return;
    inFlight = true;
    try {
      const result = await sendHeartbeat(
        {
          mac_address: options.identity.mac_address,
          hostname: options.identity.hostname,
          status: options.status ?? 'waiting_for_code',
        },
        { ...options, signal: controller.signal },
      );
      if (!stopped()) options.onBeat?.(result);
    } finally {
      inFlight = false;
    }
  };
  void beat();
  const timer = setInterval(() => void beat(), options.intervalMs ?? HEARTBEAT_INTERVAL_MS);
  timer.unref();
  return () => {
    clearInterval(timer);
    controller.abort();
  };
}
