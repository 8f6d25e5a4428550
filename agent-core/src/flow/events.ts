import type { Failure } from '../result.js';
import type { PreflightReport } from '../http/preflight.js';
import type { Partner } from '../protocol/contract.js';

export const FLOW_STEPS = [
  'identity',
  'preflight',
  'validate',
  'claim',
  'journal',
  'write-config',
  'report-status',
  'fetch-config',
  'done',
] as const;
export type FlowStep = (typeof FLOW_STEPS)[number];

export type StepStatus = 'running' | 'done' | 'skipped' | 'warning' | 'failed';

/** One thing that happened, for a progress bar and a log line; never carries a secret. */
export interface ProgressEvent {
  readonly step: FlowStep;
  readonly status: StepStatus;
  /** Overall progress, 0–100, monotonic over a run. */
  readonly percent: number;
  readonly message: string;
}

/** Where each step lands on the progress bar once it is done. */
export const STEP_PERCENT: Record<FlowStep, number> = {
  identity: 5,
  preflight: 10,
  validate: 20,
  claim: 40,
  journal: 50,
  'write-config': 65,
  'report-status': 75,
  'fetch-config': 90,
  done: 100,
};

export interface FlowSuccess {
  readonly site_id: string;
  readonly appliance_id: string;
  readonly config_path: string;
  readonly api_endpoint: string;
  readonly partner: Partner;
  /** True when this run finished a claim journalled by an earlier, interrupted run. */
  readonly resumed: boolean;
  readonly backup_path?: string;
  /** Non-fatal problems after the config was safely written (status report, config fetch). */
  readonly warnings: readonly string[];
}

export type FlowFailure = Failure & {
  readonly step: FlowStep;
  /** The network diagnosis run after a network failure, when one was run. */
  readonly preflight?: PreflightReport;
};

export type FlowResult = { readonly ok: true; readonly data: FlowSuccess } | FlowFailure;
