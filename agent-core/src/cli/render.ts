import type { FlowFailure, FlowSuccess, ProgressEvent } from '../flow/events.js';
import type { ApplianceIdentity } from '../identity/index.js';
import type { PreflightReport } from '../http/preflight.js';
import { writeLine, type TextSink } from './io.js';

const RULE = '='.repeat(60);

export function banner(out: TextSink, title: string): void {
  writeLine(out, RULE);
  writeLine(out, `  ${title}`);
  writeLine(out, RULE);
  writeLine(out);
}

export function identityLines(out: TextSink, identity: ApplianceIdentity): void {
  writeLine(out, `MAC Address: ${identity.mac_address}`);
  writeLine(out, `Hostname:    ${identity.hostname}`);
  writeLine(out);
}

const STATUS_MARK: Record<ProgressEvent['status'], string> = {
  running: '..',
  done: 'ok',
  skipped: '--',
  warning: '!!',
  failed: 'XX',
};

/** Steps whose "running" line is worth a line of its own: they may take a while. */
const SLOW_STEPS: ReadonlySet<ProgressEvent['step']> = new Set(['claim', 'preflight', 'assignment']);
/** Steps too routine to print when skipped. */
const QUIET_SKIPS: ReadonlySet<ProgressEvent['step']> = new Set(['preflight', 'validate', 'journal']);

/** One line per step outcome; "running" lines only when the step may take a while. */
export function progressLine(out: TextSink, event: ProgressEvent): void {
  if (event.status === 'running' && !SLOW_STEPS.has(event.step)) return;
  if (event.status === 'skipped' && QUIET_SKIPS.has(event.step)) return;
  if (event.step === 'identity' || (event.step === 'prepare' && event.status !== 'failed' && event.status !== 'warning')) return;
  writeLine(out, `  [${String(event.percent).padStart(3)}%] ${STATUS_MARK[event.status]} ${event.message}`);
}

export function successBlock(out: TextSink, result: FlowSuccess): void {
  writeLine(out);
  banner(out, 'Provisioning Complete!');
  // The seed's three lines, in the seed's order; what this engine knows besides comes after them.
  writeLine(out, `Site ID:     ${result.site_id}`);
  if (result.partner.brand_name !== undefined) writeLine(out, `Partner:     ${result.partner.brand_name}`);
  writeLine(out, `Config:      ${result.config_path}`);
  if (result.clinic_name !== undefined) writeLine(out, `Clinic:      ${result.clinic_name}`);
  if (result.source === 'dropship') writeLine(out, 'Assigned:    by the partner (drop-ship, signature verified)');
  if (result.backup_path !== undefined) writeLine(out, `Backup:      ${result.backup_path}`);
  for (const warning of result.warnings) writeLine(out, `Warning:     ${warning}`);
  writeLine(out);
  writeLine(out, 'The agent will now restart in normal operation mode.');
}

export function failureBlock(out: TextSink, failure: FlowFailure): void {
  writeLine(out);
  writeLine(out, `Provisioning failed: ${failure.error}`);
  if (failure.hint !== undefined) writeLine(out, `What to do: ${failure.hint}`);
  if (failure.preflight !== undefined) preflightLines(out, failure.preflight);
}

export function preflightLines(out: TextSink, report: PreflightReport): void {
  writeLine(out, 'Network check:');
  for (const stage of report.stages) {
    writeLine(out, `  ${stage.stage.toUpperCase().padEnd(5)} ${stage.status.padEnd(4)} ${stage.detail}`);
    if (stage.hint !== undefined && stage.status !== 'pass') writeLine(out, `        ${stage.hint}`);
  }
}

/** The `--json` result: exactly the fields scripts rely on (README); never the api_key. */
export function resultJson(result: { ok: true; data: FlowSuccess } | FlowFailure): object {
  return result.ok
    ? { ok: true, site_id: result.data.site_id, appliance_id: result.data.appliance_id, config_path: result.data.config_path, partner: result.data.partner, source: result.data.source }
    : { ok: false, code: result.code, error: result.error };
}
