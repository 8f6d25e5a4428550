import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fallbackMac, getAllMacAddresses, getBootSource, getHardwareId, getHostname, getIdentity, getMachineSeed, getMacAddress, isMacAddress } from '../src/identity/index.js';
import { useTempDir } from '../../test-support/backend.js';
import { buildSysfs } from '../../test-support/sysfs.js';

const tempDir = useTempDir();

describe('getMacAddress', () => {
  it('returns the eth interface in uppercase colon form', async () => {
    const root = await buildSysfs(await tempDir(), [{ name: 'eth0', address: '84:3a:5b:91:b6:61' }]);
    expect(getMacAddress({ sysfsRoot: root })).toBe('84:3A:5B:91:B6:61');
  });

  it('prefers eth* over en* over other interfaces', async () => {
    const root = await buildSysfs(await tempDir(), [
      { name: 'wlan0', address: '00:11:22:33:44:03' },
      { name: 'enp3s0', address: '00:11:22:33:44:02' },
      { name: 'eth1', address: '00:11:22:33:44:01' },
    ]);
    expect(getMacAddress({ sysfsRoot: root })).toBe('00:11:22:33:44:01');
  });

  it('falls back from eth to en and then to others', async () => {
    const enOnly = await buildSysfs(await tempDir(), [
      { name: 'wlp2s0', address: '00:11:22:33:44:03' },
      { name: 'enp3s0', address: '00:11:22:33:44:02' },
    ]);
    expect(getMacAddress({ sysfsRoot: enOnly })).toBe('00:11:22:33:44:02');
    const other = await buildSysfs(await tempDir(), [{ name: 'wlan0', address: '00:11:22:33:44:03' }]);
    expect(getMacAddress({ sysfsRoot: other })).toBe('00:11:22:33:44:03');
  });

  it('skips loopback, all-zero and virtual interfaces', async () => {
    const root = await buildSysfs(await tempDir(), [
      { name: 'lo', address: '00:00:00:00:00:00', type: 772 },
      { name: 'eth0', address: '00:00:00:00:00:00' },
      { name: 'docker0', address: '02:42:ac:11:00:01' },
      { name: 'veth12ab', address: '5e:11:22:33:44:55' },
      { name: 'br-6f1c', address: '02:42:11:22:33:44' },
      { name: 'lan-bridge', address: '02:42:11:22:33:45', bridge: true },
      { name: 'eth9', address: '02:42:11:22:33:46', tun: true },
      { name: 'wg0', address: '02:42:11:22:33:47', type: 65534 },
      { name: 'tap0', address: '02:42:11:22:33:48' },
      { name: 'enp1s0', address: 'a4:bb:6d:01:02:03' },
    ]);
    expect(getMacAddress({ sysfsRoot: root })).toBe('A4:BB:6D:01:02:03');
  });

  it('ignores unreadable or malformed addresses', async () => {
    const root = await buildSysfs(await tempDir(), [
      { name: 'eth0', address: 'not-a-mac' },
      { name: 'eth1', address: '00:11:22:33:44:55' },
    ]);
    expect(getMacAddress({ sysfsRoot: root })).toBe('00:11:22:33:44:55');
  });

  it('falls back to a stable locally administered 02: address when no interface qualifies', async () => {
    const root = await buildSysfs(await tempDir(), [{ name: 'lo', address: '00:00:00:00:00:00', type: 772 }]);
    const first = getMacAddress({ sysfsRoot: root, fallbackSeed: 'machine-id:abc' });
    expect(first).toMatch(/^02(:[0-9A-F]{2}){5}$/);
    expect(getMacAddress({ sysfsRoot: root, fallbackSeed: 'machine-id:abc' })).toBe(first);
    expect(fallbackMac('machine-id:other')).not.toBe(first);
    expect(getMacAddress({ sysfsRoot: join(await tempDir(), 'missing') })).toMatch(/^02:/);
  });

  it('recognises the uppercase colon format only', () => {
    expect(isMacAddress('84:3A:5B:91:B6:61')).toBe(true);
    expect(isMacAddress('84:3a:5b:91:b6:61')).toBe(false);
    expect(isMacAddress('84-3A-5B-91-B6-61')).toBe(false);
  });
});

describe('getHostname', () => {
  it('returns the actual hostname', () => {
    expect(getHostname(() => 'clinic-abc-appliance\n')).toBe('clinic-abc-appliance');
  });

  it('falls back to osiriscare-appliance when the name is empty, localhost or unreadable', () => {
    expect(getHostname(() => '')).toBe('osiriscare-appliance');
    expect(getHostname(() => 'localhost')).toBe('osiriscare-appliance');
    expect(getHostname(() => {
      throw new Error('uv_os_gethostname failed');
    })).toBe('osiriscare-appliance');
  });
});

describe('getHardwareId', () => {
  it('is the DMI product UUID as the backend stores it; the machine-id only seeds the MAC fallback', async () => {
    const dir = await tempDir();
    const uuid = join(dir, 'product_uuid');
    const machineId = join(dir, 'machine-id');
    await writeFile(machineId, '0123456789abcdef0123456789abcdef\n');
    expect(getHardwareId({ dmiProductUuidPath: uuid, machineIdPath: machineId })).toBeUndefined();
    expect(getMachineSeed({ dmiProductUuidPath: uuid, machineIdPath: machineId })).toBe('machine-id:0123456789abcdef0123456789abcdef');
    await writeFile(uuid, '4c4c4544-0042-5910-8052-b4c04f4e4b32\n');
    expect(getHardwareId({ dmiProductUuidPath: uuid, machineIdPath: machineId })).toBe('4C4C4544-0042-5910-8052-B4C04F4E4B32');
    expect(getMachineSeed({ dmiProductUuidPath: uuid, machineIdPath: machineId })).toBe('dmi:4C4C4544-0042-5910-8052-B4C04F4E4B32');
  });

  it('ignores placeholder UUIDs and returns undefined when nothing is readable', async () => {
    const dir = await tempDir();
    const uuid = join(dir, 'product_uuid');
    await writeFile(uuid, '03000200-0400-0500-0006-000700080009\n');
    expect(getHardwareId({ dmiProductUuidPath: uuid, machineIdPath: join(dir, 'none') })).toBeUndefined();
  });

  it('seeds the MAC fallback with the hardware id, so identity is stable across boots', async () => {
    const dir = await tempDir();
    const machineId = join(dir, 'machine-id');
    await writeFile(machineId, 'fedcba9876543210fedcba9876543210\n');
    const options = { sysfsRoot: join(dir, 'no-net'), dmiProductUuidPath: join(dir, 'x'), machineIdPath: machineId, readHostname: () => 'box', mountsPath: join(dir, 'none') };
    const identity = getIdentity(options);
    expect(identity).toEqual({ mac_address: fallbackMac('machine-id:fedcba9876543210fedcba9876543210'), hostname: 'box' });
    expect(getIdentity(options)).toEqual(identity);
  });
});

describe('boot source', () => {
  it.each([
    ['overlay', 'live_usb'],
    ['squashfs', 'live_usb'],
    ['ext4', 'installed_disk'],
    ['btrfs', 'installed_disk'],
  ])('reads a root filesystem of type %s as %s (the last mount on / wins)', async (type, source) => {
    const mounts = join(await tempDir(), 'mounts');
    await writeFile(mounts, `sysfs /sys sysfs rw 0 0\n/dev/sda1 / ext4 rw 0 0\nnone / ${type} rw 0 0\nproc /proc proc rw 0 0\n`);
    expect(getBootSource(mounts)).toBe(source);
  });

  it('is unknown when the mount table cannot be read', async () => {
    expect(getBootSource(join(await tempDir(), 'missing'))).toBeUndefined();
  });
});

describe('all MAC addresses', () => {
  it('lists every physical NIC, the primary first, without duplicates or virtual ones', async () => {
    const root = await buildSysfs(await tempDir(), [
      { name: 'wlan0', address: '84:3a:5b:91:b6:99' },
      { name: 'eth0', address: '84:3a:5b:91:b6:61' },
      { name: 'docker0', address: '02:42:ac:11:00:01' },
      { name: 'eth1', address: '84:3a:5b:91:b6:61' },
    ]);
    expect(getAllMacAddresses({ sysfsRoot: root })).toEqual(['84:3A:5B:91:B6:61', '84:3A:5B:91:B6:99']);
  });
});
