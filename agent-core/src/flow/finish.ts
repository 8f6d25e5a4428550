import { fetchApplianceConfig, reportStatus, type ApiOptions } from '../protocol/api.js';
import { pickOverrides, type ConfigOverrides } from '../config/schema.js';
import { createConfig } from '../config/write.js';
import { FINISH_DEADLINE_MS, LABEL_MAX } from '../constants.js';
import type { JournalEntry } from '../state/journal.js';
import { cleanLabel } from '../text.js';
import { configInputFrom } from './commit-input.js';
import type { FlowPaths } from './prepare.js';
import type { FlowRun } from './run.js';

export interface FinishContext {
  readonly run: FlowRun;
  readonly entry: JournalEntry;
  readonly paths: FlowPaths;
  /** The client of the run (its open connection), without the run's cancel signal. */
  readonly api: Omit<ApiOptions, 'signal'>;
  readonly now: () => Date;
}

export interface Finished {
  readonly clinic_name?: string;
}

/**
 * The calls after the config is safely on disk: tell the dashboard, pick up the per-appliance
 * settings, and mark the appliance active. The appliance is provisioned whatever happens here, so
 * failures become warnings; and they run to their own short deadline even when the process has been
 * asked to stop, because the dashboard should hear about a provisioned appliance if it can.
 */
export async function finishWithServer(ctx: FinishContext): Promise<Finished> {
  const { run, entry } = ctx;
  const api: ApiOptions = { ...ctx.api, signal: AbortSignal.timeout(FINISH_DEADLINE_MS) };
  const key = entry.site.api_key;
  const applianceId = entry.site.appliance_id;

  // The status report and the settings fetch go out together, pipelined on the run's one connection: one round trip, not two.
  run.emit('report-status', 'running', 'Reporting progress to Central Command');
  run.emit('fetch-config', 'running', 'Fetching appliance settings');
  const [configuring, fetched] = await Promise.all([
    reportStatus({ appliance_id: applianceId, status: 'configuring', progress_percent: 75, message: 'Configuration written' }, key, api),
    fetchApplianceConfig(applianceId, api),
  ]);
  if (configuring.ok) run.emit('report-status', 'done', 'Status: configuring');
  else run.warn('report-status', `Could not report status: ${configuring.error}`);
  await run.after('report-status');

  let clinicName: string | undefined;
  if (!fetched.ok) {
    run.warn('fetch-config', `Could not fetch appliance settings: ${fetched.error}; defaults kept`);
  } else {
    clinicName = cleanLabel(fetched.data.clinic_name, LABEL_MAX, 'clinic name').value;
    if (fetched.data.site_id !== entry.site.site_id) run.warn('fetch-config', 'Central Command names a different site for this appliance; the claimed one is kept');
    const problem = await applyOverrides(ctx, { ...pickOverrides(entry.site.settings), ...pickOverrides(fetched.data.config) });
    if (problem === undefined) run.emit('fetch-config', 'done', 'Appliance settings applied');
    else run.warn('fetch-config', problem);
  }
  await run.after('fetch-config');

  const active = await reportStatus({ appliance_id: applianceId, status: 'active', progress_percent: 100, message: 'Provisioning complete' }, key, api);
  if (!active.ok) run.warn('report-status', `Could not report completion: ${active.error}`);
  return clinicName === undefined ? {} : { clinic_name: clinicName };
}

/** Rewrites the config (atomically, same key, same timestamp) when the server's settings differ from the claim's. */
async function applyOverrides(ctx: FinishContext, overrides: ConfigOverrides): Promise<string | undefined> {
  const initial = pickOverrides(ctx.entry.site.settings);
  const changed = Object.entries(overrides).some(([key, value]) => initial[key as keyof ConfigOverrides] !== value);
  if (!changed) return undefined;
  const written = await createConfig(configInputFrom(ctx.entry, overrides), {
    configPath: ctx.paths.configPath,
    stateDir: ctx.paths.stateDir,
    force: true,
    backup: false,
    now: ctx.now,
    onPhase: ctx.run.phaseHook('config'),
  });
  return written.ok ? undefined : `Could not apply appliance settings: ${written.error}`;
}
