import type { Failure } from '../result.js';
import type { PreflightReport } from '../http/preflight.js';
import type { Partner } from '../protocol/answers.js';

/**
 * The steps of provisioning, in order. A code claim goes identity → prepare → (preflight) →
 * (validate) → claim; drop-ship goes identity → prepare → assignment → verify. Both then share the
 * steps after the point of no return: journal → write-config → report-status → fetch-config → done.
 */
export const FLOW_STEPS = [
  'identity',
  'prepare',
  'preflight',
  'validate',
  'claim',
  'assignment',
  'verify',
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
  prepare: 8,
  preflight: 10,
  validate: 20,
  claim: 40,
  assignment: 30,
  verify: 40,
  journal: 50,
  'write-config': 65,
  'report-status': 75,
  'fetch-config': 90,
  done: 100,
};

export type SiteSource = 'claim' | 'dropship';

export interface FlowSuccess {
  readonly source: SiteSource;
  readonly site_id: string;
  readonly appliance_id: string;
  readonly config_path: string;
  readonly api_endpoint: string;
  readonly partner: Partner;
  /** The clinic's name, when Central Command told it (the settings call). */
  readonly clinic_name?: string;
  /** True when this run finished an answer journalled by an earlier, interrupted run. */
  readonly resumed: boolean;
  readonly backup_path?: string;
  /** Non-fatal problems: cleaned server fields, and anything after the config was safely written. */
  readonly warnings: readonly string[];
}

export type FlowFailure = Failure & {
  readonly step: FlowStep;
  /** The network diagnosis run after a network failure, when one was run. */
  readonly preflight?: PreflightReport;
};

export type FlowResult = { readonly ok: true; readonly data: FlowSuccess } | FlowFailure;
