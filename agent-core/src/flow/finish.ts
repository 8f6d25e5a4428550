import { fetchApplianceConfig, reportStatus, type ApiOptions } from '../protocol/api.js';
import { pickOverrides, type ConfigOverrides } from '../config/schema.js';
import { createConfig } from '../config/write.js';
import { configInputFrom, type JournalEntry } from '../state/journal.js';
import type { FlowStep, StepStatus } from './events.js';

interface FinishContext {
  readonly api: ApiOptions;
  readonly entry: JournalEntry;
  readonly configPath: string;
  readonly stateDir: string;
  readonly now: () => Date;
  readonly emit: (step: FlowStep, status: StepStatus, message: string) => void;
  readonly after: (step: FlowStep) => Promise<void>;
}

/**
 * The steps after the config is safely on disk: tell the dashboard, pick up the per-appliance
 * settings, and mark the appliance active. The appliance is provisioned whatever happens here,
 * so failures become warnings (the agent reports in again once it runs) rather than errors.
 */
export async function finishWithServer(ctx: FinishContext): Promise<string[]> {
  const warnings: string[] = [];
  const warn = (step: FlowStep, message: string) => {
    warnings.push(message);
    ctx.emit(step, 'warning', message);
  };
  const applianceId = ctx.entry.claim.appliance_id;

  ctx.emit('report-status', 'running', 'Reporting progress to Central Command');
  const configuring = await reportStatus({ appliance_id: applianceId, status: 'configuring', progress_percent: 75, message: 'Configuration written' }, ctx.api);
  if (configuring.ok) ctx.emit('report-status', 'done', 'Status: configuring');
  else warn('report-status', `Could not report status: ${configuring.error}`);
  await ctx.after('report-status');

  ctx.emit('fetch-config', 'running', 'Fetching appliance settings');
  const fetched = await fetchApplianceConfig(applianceId, ctx.api);
  if (!fetched.ok) {
    warn('fetch-config', `Could not fetch appliance settings: ${fetched.error}; defaults kept`);
  } else {
    const overrides = { ...pickOverrides(ctx.entry.claim.config), ...pickOverrides(fetched.data.config) };
    const applied = await applyOverrides(ctx, overrides);
    if (applied === undefined) ctx.emit('fetch-config', 'done', 'Appliance settings applied');
    else warn('fetch-config', applied);
  }
  await ctx.after('fetch-config');

  const active = await reportStatus({ appliance_id: applianceId, status: 'active', progress_percent: 100, message: 'Provisioning complete' }, ctx.api);
  if (!active.ok) warn('report-status', `Could not report completion: ${active.error}`);
  return warnings;
}

/** Rewrites the config (atomically, same key, same timestamp) when the server's settings differ. */
async function applyOverrides(ctx: FinishContext, overrides: ConfigOverrides): Promise<string | undefined> {
  const initial = pickOverrides(ctx.entry.claim.config);
  const changed = Object.entries(overrides).some(([key, value]) => initial[key as keyof ConfigOverrides] !== value);
  if (!changed) return undefined;
  const written = await createConfig(
    configInputFrom(ctx.entry, overrides),
    { configPath: ctx.configPath, stateDir: ctx.stateDir, force: true, backup: false, now: ctx.now },
  );
  return written.ok ? undefined : `Could not apply appliance settings: ${written.error}`;
}
