import type { ConfigOverrides } from '../config/schema.js';
import type { CreateConfigInput } from '../config/write.js';
import { agentEndpoint, type JournalEntry } from '../state/journal.js';

/** What createConfig needs from a journalled answer, with the server's per-appliance settings. */
export function configInputFrom(entry: JournalEntry, overrides: ConfigOverrides): CreateConfigInput {
  const { site } = entry;
  return {
    site_id: site.site_id,
    appliance_id: site.appliance_id,
    api_key: site.api_key,
    partner_info: site.partner,
    api_endpoint: agentEndpoint(entry),
    mac_address: entry.mac_address,
    hostname: entry.hostname,
    overrides,
  };
}
