import { getHardwareId, type HardwareIdOptions } from './hardware-id.js';
import { getHostname } from './hostname.js';
import { getMacAddress } from './mac.js';

export interface ApplianceIdentity {
  readonly mac_address: string;
  readonly hostname: string;
  readonly hardware_id?: string;
}

export interface IdentityOptions extends HardwareIdOptions {
  readonly sysfsRoot?: string;
  readonly readHostname?: () => string;
}

/** MAC, hostname and hardware id together; the MAC fallback is seeded by the hardware id so it is stable. */
export function getIdentity(options: IdentityOptions = {}): ApplianceIdentity {
  const hardwareId = getHardwareId(options);
  const hostname = getHostname(options.readHostname);
  const mac = getMacAddress({ sysfsRoot: options.sysfsRoot, fallbackSeed: hardwareId ?? hostname });
  return hardwareId === undefined
    ? { mac_address: mac, hostname }
    : { mac_address: mac, hostname, hardware_id: hardwareId };
}

export { getHardwareId } from './hardware-id.js';
export { getHostname } from './hostname.js';
export { fallbackMac, getMacAddress, isMacAddress } from './mac.js';
