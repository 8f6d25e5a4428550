import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface FakeInterface {
  readonly name: string;
  readonly address: string;
  /** ARPHRD type; 1 (Ethernet) by default. */
  readonly type?: number;
  readonly bridge?: boolean;
  readonly tun?: boolean;
}

/** Builds a /sys/class/net look-alike: one folder per interface with address, type and markers. */
export async function buildSysfs(root: string, interfaces: readonly FakeInterface[]): Promise<string> {
  const net = join(root, 'class-net');
  await mkdir(net, { recursive: true });
  for (const iface of interfaces) {
    const dir = join(net, iface.name);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'address'), `${iface.address}\n`);
    await writeFile(join(dir, 'type'), `${iface.type ?? 1}\n`);
    if (iface.bridge === true) await mkdir(join(dir, 'bridge'));
    if (iface.tun === true) await writeFile(join(dir, 'tun_flags'), '0x1002\n');
  }
  return net;
}
