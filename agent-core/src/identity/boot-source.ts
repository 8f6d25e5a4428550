import { readFileSync } from 'node:fs';

export const PROC_MOUNTS = '/proc/self/mounts';
export type BootSource = 'live_usb' | 'installed_disk';

/** Root filesystems a live image runs from; an installed system's root is a real disk filesystem. */
const LIVE_ROOT_TYPES = new Set(['overlay', 'squashfs', 'tmpfs', 'aufs', 'iso9660', 'ramfs']);

/**
 * How the box booted, for the backend (`boot_source`): a live USB must not be unplugged before the
 * system is installed. Read from the root mount's filesystem type; undefined when it cannot be read.
 */
export function getBootSource(mountsPath: string = PROC_MOUNTS): BootSource | undefined {
  let text: string;
  try {
    text = readFileSync(mountsPath, 'utf8');
  } catch {
    return undefined;
  }
  // The last mount on / is the one in effect.
  const root = text.split('\n').map((line) => line.split(' ')).filter((fields) => fields[1] === '/').at(-1);
  if (root?.[2] === undefined) return undefined;
  return LIVE_ROOT_TYPES.has(root[2]) ? 'live_usb' : 'installed_disk';
}
