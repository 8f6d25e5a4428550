import { join } from 'node:path';
import { createConfig, type CreateConfigInput } from '../agent-core/src/config/write.js';

/** A claimed site's config input, as the flow hands it to createConfig. */
export const CONFIG_INPUT: CreateConfigInput = {
  site_id: 'partner-clinic-abc123',
  appliance_id: 'partner-clinic-abc123-84:3A:5B:91:B6:61',
  partner_info: { slug: 'nepa-it', brand_name: 'NEPA IT Solutions', primary_color: '#2563EB' },
  api_endpoint: 'https://api.osiriscare.net',
  api_key: 'server-issued-key-0123456789abcdefghijkl',
  mac_address: '84:3A:5B:91:B6:61',
  hostname: 'osiriscare-appliance',
};
/** The clock the config tests write with (backup names carry it). */
export const CONFIG_NOW = () => new Date('2026-01-04T15:30:00Z');

/** createConfig with CONFIG_INPUT (fields overridden by `input`), in a fresh state directory unless one is given. */
export function configWriter(tempDir: () => Promise<string>) {
  return async (input: Partial<CreateConfigInput> = {}, options: { force?: boolean; stateDir?: string; now?: () => Date } = {}) => {
    const stateDir = options.stateDir ?? join(await tempDir(), 'msp');
    const result = await createConfig({ ...CONFIG_INPUT, ...input }, { stateDir, now: options.now ?? CONFIG_NOW, ...(options.force === undefined ? {} : { force: options.force }) });
    return { result, stateDir, path: join(stateDir, 'config.yaml') };
  };
}
