import { MAX_STATE_FILE_BYTES } from '../constants.js';
import { readRegularFile } from '../fs/safe-read.js';
import { parseConfigText } from './yaml-codec.js';

export interface ConfigIds {
  readonly site_id: string;
  readonly appliance_id: string;
  readonly api_key: string;
}

/** The ids and key of a config on disk that the agent would load; empty strings where it has none. */
export function readConfigIds(path: string): ConfigIds {
  const read = readRegularFile(path, MAX_STATE_FILE_BYTES);
  const loaded = read.ok ? parseConfigText(read.text) : undefined;
  const data = loaded?.ok === true ? loaded.data : undefined;
  const text = (value: unknown) => (typeof value === 'string' ? value : '');
  return { site_id: text(data?.site_id), appliance_id: text(data?.appliance_id), api_key: text(data?.api_key) };
}
