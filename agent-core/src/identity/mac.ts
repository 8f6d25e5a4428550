import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const SYSFS_NET_ROOT = '/sys/class/net';

/** ARPHRD_ETHER: the only link type that carries a hardware MAC worth reporting. */
const ARPHRD_ETHER = '1';
const VIRTUAL_NAME = /^(lo|docker\d*|veth|br-|virbr|vnet|tun|tap|wg|zt|tailscale|flannel|cni|cali|vxlan|dummy|bond|team)/;
const ZERO_MAC = '00:00:00:00:00:00';
const MAC_PATTERN = /^([0-9A-F]{2}:){5}[0-9A-F]{2}$/;

export interface MacOptions {
  /** Root of the interface tree, `/sys/class/net` on an appliance; tests build fake trees. */
  readonly sysfsRoot?: string;
  /** Seed for the stable fallback when no interface qualifies (the hardware id, if known). */
  readonly fallbackSeed?: string;
}

/**
 * The appliance's primary MAC, uppercase and colon separated: wired `eth*` first, then `en*`,
 * then any other physical Ethernet-type interface, skipping loopback, all-zero addresses and
 * virtual interfaces (containers, bridges, tunnels, VPNs). Without one, a stable locally
 * administered `02:…` address derived from the fallback seed.
 */
export function getMacAddress(options: MacOptions = {}): string {
  return getAllMacAddresses(options)[0] ?? fallbackMac(options.fallbackSeed ?? 'osiriscare');
}

/** Every physical Ethernet MAC in the same deterministic order (the backend uses them to spot duplicate boxes). */
export function getAllMacAddresses(options: MacOptions = {}): string[] {
  const root = options.sysfsRoot ?? SYSFS_NET_ROOT;
  const macs = listInterfaces(root)
    .filter((name) => !isVirtual(root, name))
    .map((name) => ({ name, mac: readMac(root, name) }))
    .filter((entry): entry is { name: string; mac: string } => entry.mac !== undefined)
    .sort((a, b) => rank(a.name) - rank(b.name) || compareText(a.name, b.name))
    .map((entry) => entry.mac);
  return [...new Set(macs)];
}

/** Plain code-unit order: interface names are ASCII, and localeCompare would start ICU for nothing. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function isMacAddress(value: string): boolean {
  return MAC_PATTERN.test(value);
}

/** `02:` marks a locally administered unicast address, so it can never collide with a vendor's. */
export function fallbackMac(seed: string): string {
  const digest = createHash('sha256').update(seed).digest();
  const bytes = [0x02, ...digest.subarray(0, 5)];
  return bytes.map((b) => b.toString(16).padStart(2, '0')).join(':').toUpperCase();
}

function rank(name: string): number {
  if (name.startsWith('eth')) return 0;
  if (name.startsWith('en')) return 1;
  return 2;
}

function listInterfaces(root: string): string[] {
  try {
    return readdirSync(root);
  } catch {
    return [];
  }
}

function isVirtual(root: string, name: string): boolean {
  if (VIRTUAL_NAME.test(name)) return true;
  const dir = join(root, name);
  if (existsSync(join(dir, 'bridge')) || existsSync(join(dir, 'tun_flags'))) return true;
  const type = readText(join(dir, 'type'));
  return type !== undefined && type !== ARPHRD_ETHER;
}

function readMac(root: string, name: string): string | undefined {
  const mac = readText(join(root, name, 'address'))?.toUpperCase();
  return mac !== undefined && isMacAddress(mac) && mac !== ZERO_MAC ? mac : undefined;
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return undefined;
  }
}
