import { getBootSource, type BootSource } from './boot-source.js';
import { getHardwareId, getMachineSeed, type HardwareIdOptions } from './hardware-id.js';
import { getHostname } from './hostname.js';
import { getAllMacAddresses, getMacAddress } from './mac.js';

export interface ApplianceIdentity {
  readonly mac_address: string;
  readonly hostname: string;
  /** The DMI product UUID, when the firmware has a real one. */
  readonly hardware_id?: string;
  readonly boot_source?: BootSource;
  /** Every physical NIC's MAC, the primary first. */
  readonly all_mac_addresses?: readonly string[];
}

export interface IdentityOptions extends HardwareIdOptions {
  readonly sysfsRoot?: string;
  readonly readHostname?: () => string;
  readonly mountsPath?: string;
}

/** MAC, hostname, hardware id and boot source together; the MAC fallback is seeded by the machine so it is stable. */
export function getIdentity(options: IdentityOptions = {}): ApplianceIdentity {
  const hostname = getHostname(options.readHostname);
  const hardwareId = getHardwareId(options);
  const mac = getMacAddress({ sysfsRoot: options.sysfsRoot, fallbackSeed: getMachineSeed(options) ?? hostname });
  const all = getAllMacAddresses({ sysfsRoot: options.sysfsRoot });
  const bootSource = getBootSource(options.mountsPath);
  return {
    mac_address: mac,
    hostname,
    ...(hardwareId === undefined ? {} : { hardware_id: hardwareId }),
    ...(bootSource === undefined ? {} : { boot_source: bootSource }),
    ...(all.length === 0 ? {} : { all_mac_addresses: all }),
  };
}

export { getBootSource, type BootSource } from './boot-source.js';
export { getHardwareId, getMachineSeed } from './hardware-id.js';
export { getHostname } from './hostname.js';
export { fallbackMac, getAllMacAddresses, getMacAddress, isMacAddress } from './mac.js';
