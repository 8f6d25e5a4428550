import type { I18n } from '../i18n/i18n.svelte';
import type { FlowResult, PreflightReport } from './bridge';
import type { Answer } from './watchdog';

/** What Try again does: check the code again, run the flow again, finish a saved claim, hand over again, or start again. */
export type RetryKind = 'validate' | 'provision' | 'resume' | 'finish' | 'start';

/** A failure as the error screen shows it: the engine's code (or the wizard's own), its words as a fallback. */
export interface ShownFailure {
  readonly code: string;
  /** The engine's operator message: shown only for a code the catalogue does not know. */
  readonly error: string;
  readonly hint?: string;
  readonly preflight?: PreflightReport;
  readonly retry: RetryKind;
}

/** A failure as it arrives: the engine's (a flow's, a check's, a refused hand-over) or the wizard's own. */
export type Failed = Extract<FlowResult, { ok: false }> | { readonly code: string; readonly error: string; readonly hint?: string; readonly preflight?: PreflightReport };

/** What the error screen keeps of a failure, and what its Try again does. */
export function shownFailure(failed: Failed, retry: RetryKind): ShownFailure {
  return {
    code: failed.code,
    error: failed.error,
    retry,
    ...(failed.hint === undefined ? {} : { hint: failed.hint }),
    ...(failed.preflight === undefined ? {} : { preflight: failed.preflight }),
  };
}

/** An engine call that did not answer in time, or threw. */
export function engineFailure(answer: Exclude<Answer<unknown>, { kind: 'answer' }>): Failed {
  return answer.kind === 'timeout' ? { code: 'engine-timeout', error: '' } : { code: 'engine-error', error: answer.error instanceof Error ? answer.error.message : String(answer.error) };
}

/** The wizard's own codes, beside the engine's: no answer in time, a thrown call, a run that ended unseen, a refused hand-over. */
export const WIZARD_CODES = ['engine-timeout', 'engine-error', 'run-ended', 'finish-refused'] as const;

/** The main button: a new code where retrying the same one cannot help, Try again where it can. */
export type PrimaryAction = 'retry' | 'new-code' | 'resume' | 'provisioned' | 'start-over';

const NEEDS_NEW_CODE: ReadonlySet<string> = new Set(['format', 'invalid', 'expired', 'claimed', 'revoked', 'untrusted-endpoint']);
const NETWORK_CODES: ReadonlySet<string> = new Set(['timeout', 'unreachable', 'tls']);

export function primaryAction(failure: ShownFailure, resumable: boolean): PrimaryAction {
  if (failure.code === 'exists') return 'provisioned';
  if (failure.code === 'pending-claim') return 'resume';
  if (NEEDS_NEW_CODE.has(failure.code)) return 'new-code';
  if (failure.code === 'run-ended' && !resumable) return 'start-over';
  return 'retry';
}

export interface FailureText {
  readonly title: string;
  readonly message: string;
  readonly advice?: string;
}

/**
 * The wizard's own words for a failure, by code: the engine's hints speak to a terminal user
 * ("--force", "run … again"), which a touchscreen cannot act on. A network failure is explained by
 * the stage of the network check that failed; a timeout with every stage green says what that means.
 * Only a code the catalogue does not know falls back to the engine's message and hint.
 */
export function failureText(failure: ShownFailure, i18n: Pick<I18n, 't' | 'has'>): FailureText {
  const base = `error.${failure.code}`;
  const title = `${base}.title`;
  const message = `${base}.message`;
  const advice = `${base}.advice`;
  if (!i18n.has(title) || !i18n.has(message) || !i18n.has(advice)) {
    return { title: i18n.t('error.generic.title'), message: failure.error, ...(failure.hint === undefined ? {} : { advice: failure.hint }) };
  }
  return { title: i18n.t(title), message: i18n.t(message), advice: networkAdvice(failure, i18n) ?? i18n.t(advice) };
}

function networkAdvice(failure: ShownFailure, i18n: Pick<I18n, 't' | 'has'>): string | undefined {
  const report = failure.preflight;
  if (report === undefined || !NETWORK_CODES.has(failure.code)) return undefined;
  const stage = report.failed?.stage;
  if (stage !== undefined) {
    const key = `network.advice.${stage}`;
    return i18n.has(key) ? i18n.t(key) : undefined;
  }
  return failure.code === 'timeout' && report.ok ? i18n.t('error.timeout.allGreen') : undefined;
}
