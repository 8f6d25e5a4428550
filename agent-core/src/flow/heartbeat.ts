import { sendHeartbeat, type ApiOptions } from '../protocol/api.js';
import { HEARTBEAT_INTERVAL_MS } from '../constants.js';
import type { HeartbeatResponse } from '../protocol/contract.js';
import type { ApplianceIdentity } from '../identity/index.js';
import type { Result } from '../result.js';

export interface HeartbeatOptions extends ApiOptions {
  readonly identity: ApplianceIdentity;
  /** The code is the heartbeat's credential: an appliance without one sends none. */
  readonly code: string;
  readonly status?: string;
  readonly intervalMs?: number;
  /** Told about each beat's outcome (the kiosk shows "seen by Central Command"). */
  readonly onBeat?: (result: Result<HeartbeatResponse>) => void;
}

/**
 * Heartbeats every 60 s, with the code, while the technician confirms it: the partner dashboard
 * shows the box at the clinic, and the connection is warm when the claim goes out. One beat at a
 * time; failures are reported to `onBeat`, never thrown. Returns the function that stops them.
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
          provision_code: options.code,
          hostname: options.identity.hostname,
          status: options.status ?? 'provisioning',
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
