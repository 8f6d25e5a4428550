import { hostname as osHostname } from 'node:os';
import { FALLBACK_HOSTNAME } from '../constants.js';

const UNSET_HOSTNAMES = new Set(['', 'localhost', 'localhost.localdomain', '(none)']);

/** The appliance's hostname, or `osiriscare-appliance` when it has none worth reporting. */
export function getHostname(read: () => string = osHostname): string {
  let name: string;
  try {
    name = read().trim();
  } catch {
    return FALLBACK_HOSTNAME;
  }
  return UNSET_HOSTNAMES.has(name.toLowerCase()) ? FALLBACK_HOSTNAME : name;
}
