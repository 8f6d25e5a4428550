import { join } from 'node:path';
import { CONFIG_FILE_NAME, DEFAULT_STATE_DIR, MAX_STATE_FILE_BYTES } from '../constants.js';
import { readRegularFile } from '../fs/safe-read.js';
import { hasValidSeal } from './seal.js';

export type ConfigState =
  | { readonly state: 'missing'; readonly path: string }
  | { readonly state: 'valid'; readonly path: string }
  | {
      readonly state: 'invalid';
      readonly path: string;
      readonly reason: string;
      /** A link, FIFO, device or oversized file: never read, never replaced, never backed up. */
      readonly unsafe?: true;
    };

export const DEFAULT_CONFIG_PATH = join(DEFAULT_STATE_DIR, CONFIG_FILE_NAME);

/**
 * Whether the appliance is provisioned: no file, a file the agent would load, or a file that is
 * there but unusable (empty, truncated, unparsable, missing required fields). A sealed file skips
 * the YAML parser (see seal.ts); anything else gets the full load, imported only then.
 */
export async function readConfigState(path: string = DEFAULT_CONFIG_PATH): Promise<ConfigState> {
  // Synchronous on purpose (see readRegularFile): no link, FIFO or device is followed or read.
  const read = readRegularFile(path, MAX_STATE_FILE_BYTES);
  if (!read.ok) {
    if (read.kind === 'missing') return { state: 'missing', path };
    return read.kind === 'refused' ? { state: 'invalid', path, reason: read.reason, unsafe: true } : { state: 'invalid', path, reason: read.reason };
  }
  const text = read.text;
  if (hasValidSeal(text)) return { state: 'valid', path };
  const { parseConfigText } = await import('./yaml-codec.js');
  const loaded = parseConfigText(text);
  return loaded.ok ? { state: 'valid', path } : { state: 'invalid', path, reason: loaded.error };
}

/** The seed's `needs_provisioning()`: true unless a usable config.yaml is in place. */
export async function needsProvisioning(configPath: string = DEFAULT_CONFIG_PATH): Promise<boolean> {
  return (await readConfigState(configPath)).state !== 'valid';
}
