import type { ApplianceRecord, Store } from '../store/index.js';
import { MAX_STEPS } from './limits.js';
import type { StepView } from './protocol.js';

/**
 * Each appliance's steps as they happen (claimed, configuring, active…). The store keeps only an
 * appliance's latest status and a claim's reports can come milliseconds apart, so the log listens to
 * every change as it is made rather than comparing snapshots later.
 */
export class StepLog {
  readonly #steps = new Map<string, StepView[]>();
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
    for (const appliance of store.appliances.values()) this.#record(appliance);
    store.onChange((_what, appliance) => {
      if (appliance !== undefined) this.#record(appliance);
    });
  }

  of(applianceId: string): readonly StepView[] {
    return this.#steps.get(applianceId) ?? [];
  }

  #record(appliance: ApplianceRecord): void {
    let steps = this.#steps.get(appliance.appliance_id);
    if (steps === undefined) {
      steps = [{ status: appliance.source === 'dropship' ? 'drop-ship' : 'claimed', progress_percent: 0, at: appliance.claimed_at }];
      this.#steps.set(appliance.appliance_id, steps);
    }
    const last = steps.at(-1);
    const reported = appliance.status !== 'pending';
    if (reported && (last?.status !== appliance.status || last.progress_percent !== appliance.progress_percent || last.message !== appliance.status_message)) {
      steps.push({
        status: appliance.status,
        progress_percent: appliance.progress_percent,
        ...(appliance.status_message === undefined ? {} : { message: appliance.status_message }),
        at: appliance.last_seen ?? this.#store.isoNow(),
      });
    }
    if (appliance.first_checkin !== undefined && !steps.some((s) => s.status === CHECKED_IN)) {
      steps.push({ status: CHECKED_IN, progress_percent: appliance.progress_percent, at: appliance.first_checkin });
    }
    if (steps.length > MAX_STEPS) steps.splice(1, steps.length - MAX_STEPS);
  }
}

const CHECKED_IN = 'checked in';
