import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONFIG_FILE_NAME, DEFAULT_STATE_DIR } from '../constants.js';
import { hasValidSeal } from './seal.js';

export type ConfigState =
  | { readonly state: 'missing'; readonly path: string }
  | { readonly state: 'valid'; readonly path: string }
  | { readonly state: 'invalid'; readonly path: string; readonly reason: string };

export const DEFAULT_CONFIG_PATH = join(DEFAULT_STATE_DIR, CONFIG_FILE_NAME);

/**
 * Whether the appliance is provisioned: no file, a file the agent would load, or a file that is
 * there but unusable (empty, truncated, unparsable, missing required fields). A sealed file skips
 * the YAML parser (see seal.ts); anything else gets the full load, imported only then.
 */
export async function readConfigState(path: string = DEFAULT_CONFIG_PATH): Promise<ConfigState> {
  let text: string;
  try {
    // Synchronous on purpose: a config is a few hundred bytes, and the first async fs call would start
    // libuv's thread pool, which costs the boot-time check more than the read itself.
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { state: 'missing', path };
    return { state: 'invalid', path, reason: `cannot read it (${code ?? 'error'})` };
  }
  if (hasValidSeal(text)) return { state: 'valid', path };
  const { parseConfigText } = await import('./yaml-codec.js');
  const loaded = parseConfigText(text);
  return loaded.ok ? { state: 'valid', path } : { state: 'invalid', path, reason: loaded.error };
}

/** The seed's `needs_provisioning()`: true unless a usable config.yaml is in place. */
export async function needsProvisioning(configPath: string = DEFAULT_CONFIG_PATH): Promise<boolean> {
  return (await readConfigState(configPath)).state !== 'valid';
}
