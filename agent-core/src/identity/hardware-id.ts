import { readFileSync } from 'node:fs';

export const DMI_PRODUCT_UUID = '/sys/class/dmi/id/product_uuid';
export const MACHINE_ID = '/etc/machine-id';

const PLACEHOLDER_UUIDS = new Set([
  '00000000-0000-0000-0000-000000000000',
  'FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF',
  '03000200-0400-0500-0006-000700080009',
]);

export interface HardwareIdOptions {
  readonly dmiProductUuidPath?: string;
  readonly machineIdPath?: string;
}

/**
 * The box's hardware id as Central Command stores it: the firmware's DMI product UUID, when
 * readable (root only) and not one of the placeholder values cheap boards ship; undefined otherwise.
 */
export function getHardwareId(options: HardwareIdOptions = {}): string | undefined {
  const uuid = readTrimmed(options.dmiProductUuidPath ?? DMI_PRODUCT_UUID)?.toUpperCase();
  return uuid !== undefined && /^[0-9A-F-]{36}$/.test(uuid) && !PLACEHOLDER_UUIDS.has(uuid) ? uuid : undefined;
}

/** A stable seed for the fallback MAC: the hardware id, else systemd's machine-id; undefined when neither is readable. */
export function getMachineSeed(options: HardwareIdOptions = {}): string | undefined {
  const hardwareId = getHardwareId(options);
  if (hardwareId !== undefined) return `dmi:${hardwareId}`;
  const machineId = readTrimmed(options.machineIdPath ?? MACHINE_ID)?.toLowerCase();
  return machineId !== undefined && /^[0-9a-f]{32}$/.test(machineId) ? `machine-id:${machineId}` : undefined;
}

function readTrimmed(path: string): string | undefined {
  try {
    const text = readFileSync(path, 'utf8').trim();
    return text === '' ? undefined : text;
  } catch {
    return undefined;
  }
}
