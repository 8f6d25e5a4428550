import { readdir, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { CONFIG_BACKUPS_KEPT, CONFIG_FILE_NAME, DEFAULT_STATE_DIR, MAX_STATE_FILE_BYTES, POLL_INTERVAL_DEFAULT } from '../constants.js';
import { readRegularFile } from '../fs/safe-read.js';
import { writeFileAtomic, type WritePhase } from '../fs/atomic-write.js';
import { ioFailure } from '../fs/io-errors.js';
import { getHostname } from '../identity/hostname.js';
import { getMacAddress } from '../identity/mac.js';
import { fail, ok, type Result } from '../result.js';
import type { ApplianceConfig, ConfigOverrides } from './schema.js';
import { readConfigState } from './state.js';
import { serializeConfig } from './yaml-codec.js';

export interface PartnerInfo {
  readonly slug?: string | undefined;
  readonly brand_name?: string | undefined;
  readonly primary_color?: string | undefined;
}

export interface CreateConfigInput {
  readonly site_id: string;
  readonly appliance_id: string;
  readonly partner_info?: PartnerInfo;
  readonly api_endpoint: string;
  /** The server-issued key: never generated here (a key the server never saw cannot authenticate). */
  readonly api_key: string;
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
  if (existing.state === 'invalid' && existing.unsafe === true) {
    return fail('io', `Refusing to replace ${path}: ${existing.reason}`, 'Remove it (it should be a plain file written by provisioning), then try again.');
  }
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
  const partner = partnerBlock(input.partner_info);
  return {
    site_id: input.site_id,
    appliance_id: input.appliance_id,
    api_key: input.api_key,
    api_endpoint: input.api_endpoint,
    poll_interval: overrides.poll_interval ?? POLL_INTERVAL_DEFAULT,
    enable_drift_detection: overrides.enable_drift_detection ?? true,
    enable_evidence_upload: overrides.enable_evidence_upload ?? true,
    enable_l1_sync: overrides.enable_l1_sync ?? true,
    healing_enabled: overrides.healing_enabled ?? true,
    healing_dry_run: overrides.healing_dry_run ?? false,
    state_dir: stateDir,
    log_level: overrides.log_level ?? 'INFO',
    ...(partner === undefined ? {} : { partner }),
    provisioned_at: isoSeconds(now),
    mac_address: input.mac_address ?? getMacAddress(),
    hostname: input.hostname ?? getHostname(),
  };
}

/** Python's `datetime.now(timezone.utc).isoformat(timespec="seconds")`: `2026-01-04T15:30:00+00:00`. */
export function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, '+00:00');
}

function partnerBlock(info: PartnerInfo | undefined): ApplianceConfig['partner'] {
  if (info === undefined) return undefined;
  const block = {
    ...(info.slug === undefined ? {} : { slug: info.slug }),
    ...(info.brand_name === undefined ? {} : { brand_name: info.brand_name }),
    ...(info.primary_color === undefined ? {} : { primary_color: info.primary_color }),
  };
  return Object.keys(block).length === 0 ? undefined : block;
}

/**
 * Keeps the replaced file as `config.yaml.bak-<time>` (a unique name even within one millisecond),
 * and only the newest few: re-provisioning again and again must not fill the disk.
 */
async function backup(path: string, now: Date): Promise<string> {
  const read = readRegularFile(path, MAX_STATE_FILE_BYTES);
  if (!read.ok) throw Object.assign(new Error(read.reason), { code: read.errno ?? 'EINVAL' });
  const content = read.text;
  const stamp = `${basename(path)}.bak-${now.toISOString().replace(/[:.]/g, '-')}`;
  // Same millisecond: a sequence after the newest of that stamp, so even a pruned name is never reused.
  const sequences = (await readdir(dirname(path))).filter((n) => n.startsWith(stamp)).map((n) => Number(/-(\d{4})$/.exec(n)?.[1] ?? '1'));
  const name = sequences.length === 0 ? stamp : `${stamp}-${String(Math.max(...sequences) + 1).padStart(4, '0')}`;
  const backupPath = join(dirname(path), name);
  await writeFileAtomic(backupPath, content);
  await pruneBackups(path, name);
  return backupPath;
}

/**
 * Deletes all but the newest backups by name (names carry the time), never the one just made: after
 * the clock stepped back (a boot clock that ran ahead, corrected by NTP) it sorts first, and it
 * holds the config just replaced.
 */
async function pruneBackups(path: string, justMade: string): Promise<void> {
  const prefix = `${basename(path)}.bak-`;
  const backups = (await readdir(dirname(path))).filter((name) => name.startsWith(prefix) && name !== justMade).sort();
  const old = backups.slice(0, Math.max(0, backups.length - (CONFIG_BACKUPS_KEPT - 1)));
  await Promise.all(old.map((name) => unlink(join(dirname(path), name)).catch(() => undefined)));
}
