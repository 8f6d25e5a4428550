import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { generateApiKey } from '../api-key.js';
import { CONFIG_FILE_NAME, DEFAULT_STATE_DIR, POLL_INTERVAL_DEFAULT, PRIMARY_COLOR_DEFAULT } from '../constants.js';
import { writeFileAtomic, type WritePhase } from '../fs/atomic-write.js';
import { ioFailure } from '../fs/io-errors.js';
import { getHostname } from '../identity/hostname.js';
import { getMacAddress } from '../identity/mac.js';
import { fail, ok, type Result } from '../result.js';
import type { ApplianceConfig, ConfigOverrides } from './schema.js';
import { readConfigState } from './state.js';
import { serializeConfig } from './yaml-codec.js';

export interface PartnerInfo {
  readonly slug: string;
  readonly brand_name: string;
  readonly primary_color?: string | undefined;
}

export interface CreateConfigInput {
  readonly site_id: string;
  readonly appliance_id: string;
  readonly partner_info: PartnerInfo;
  readonly api_endpoint: string;
  /** The server-issued key; a cryptographically random one is generated when absent. */
  readonly api_key?: string | undefined;
  readonly mac_address?: string;
  readonly hostname?: string;
  /** Per-appliance settings from Central Command. */
  readonly overrides?: ConfigOverrides;
}

export interface CreateConfigOptions {
  /** Where config.yaml lives unless `configPath` says otherwise; also written into the config. */
  readonly stateDir?: string;
  readonly configPath?: string;
  /** Replace a valid existing config (a backup of it is kept). */
  readonly force?: boolean;
  /** Keep the replaced file as `config.yaml.bak-<time>` (default true). */
  readonly backup?: boolean;
  readonly now?: () => Date;
  readonly onPhase?: (phase: WritePhase, tempPath: string) => void | Promise<void>;
}

export interface WrittenConfig {
  readonly path: string;
  readonly config: ApplianceConfig;
  /** Where the replaced file was kept, when one was replaced. */
  readonly backupPath?: string;
}

/**
 * The seed's `create_config`: builds the config from the claim, validates it, and writes it
 * atomically with mode 0600. A valid existing config is never replaced without `force`; a replaced
 * file (valid or not) is kept beside it as `config.yaml.bak-<time>`.
 */
export async function createConfig(input: CreateConfigInput, options: CreateConfigOptions = {}): Promise<Result<WrittenConfig>> {
  const stateDir = options.stateDir ?? (options.configPath === undefined ? DEFAULT_STATE_DIR : dirname(options.configPath));
  const path = options.configPath ?? join(stateDir, CONFIG_FILE_NAME);
  const now = (options.now ?? (() => new Date()))();
  const config = buildConfig(input, stateDir, now);
  const text = serializeConfig(config);
  if (!text.ok) return text;

  const existing = await readConfigState(path);
  if (existing.state === 'valid' && options.force !== true) {
    return fail('exists', `Appliance is already provisioned (config at ${path})`, 'Use --force to re-provision; the current config will be backed up.');
  }
  let backupPath: string | undefined;
  try {
    if (existing.state !== 'missing' && options.backup !== false) backupPath = await backup(path, now);
    await writeFileAtomic(path, text.data, options.onPhase === undefined ? {} : { onPhase: options.onPhase });
  } catch (err) {
    return ioFailure(err, path);
  }
  return ok(backupPath === undefined ? { path, config } : { path, config, backupPath });
}

export function buildConfig(input: CreateConfigInput, stateDir: string, now: Date): ApplianceConfig {
  const overrides = input.overrides ?? {};
  const primaryColor = input.partner_info.primary_color ?? PRIMARY_COLOR_DEFAULT;
  return {
    site_id: input.site_id,
    appliance_id: input.appliance_id,
    api_key: input.api_key ?? generateApiKey(),
    api_endpoint: input.api_endpoint,
    poll_interval: overrides.poll_interval ?? POLL_INTERVAL_DEFAULT,
    enable_drift_detection: overrides.enable_drift_detection ?? true,
    enable_evidence_upload: overrides.enable_evidence_upload ?? true,
    enable_l1_sync: overrides.enable_l1_sync ?? true,
    healing_enabled: overrides.healing_enabled ?? true,
    healing_dry_run: overrides.healing_dry_run ?? false,
    state_dir: stateDir,
    log_level: overrides.log_level ?? 'INFO',
    partner: { slug: input.partner_info.slug, brand_name: input.partner_info.brand_name, primary_color: primaryColor },
    provisioned_at: isoSeconds(now),
    mac_address: input.mac_address ?? getMacAddress(),
    hostname: input.hostname ?? getHostname(),
  };
}

/** Python's `datetime.now(timezone.utc).isoformat(timespec="seconds")`: `2026-01-04T15:30:00+00:00`. */
export function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, '+00:00');
}

async function backup(path: string, now: Date): Promise<string> {
  const content = await readFile(path);
  const backupPath = `${path}.bak-${now.toISOString().replace(/[:.]/g, '-')}`;
  await writeFileAtomic(backupPath, content);
  return backupPath;
}
