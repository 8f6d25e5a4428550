import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { projectRoot } from '../../test-support/paths.js';

const run = promisify(execFile);
const UNITS = join(projectRoot(), 'deploy', 'systemd');
/** Executables the package itself provides (/usr/bin/osiris-kiosk) or pulls in (cage): absent on a build machine. */
const INSTALLED_BY_PACKAGE = ['/usr/bin/cage', '/usr/bin/osiris-kiosk', '/usr/bin/osiris-provision'];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

/** systemd-analyze verify's complaints, minus "not executable" for the binaries the package installs. */
async function verify(files: string[]): Promise<string[]> {
  const result = await run('systemd-analyze', ['verify', ...files]).then(
    (r) => r.stderr,
    (err: unknown) => (err as { stderr: string }).stderr,
  );
  return result
    .split('\n')
    .filter((line) => line.trim() !== '')
    .filter((line) => !INSTALLED_BY_PACKAGE.some((bin) => line.endsWith(`Command ${bin} is not executable: No such file or directory`)));
}

describe('deploy/ systemd units', () => {
  it('pass systemd-analyze verify', async () => {
    const units = (await readdir(UNITS)).map((name) => join(UNITS, name));
    expect(units).toHaveLength(4);
    expect(await verify(units)).toEqual([]);
  });

  it('would be caught if broken', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'units-'));
    dirs.push(dir);
    await copyFile(join(UNITS, 'osiris-kiosk.service'), join(dir, 'osiris-kiosk.service'));
    const broken = join(dir, 'osiris-kiosk.service');
    await writeFile(broken, (await readFile(broken, 'utf8')).replace('Restart=on-failure', 'Restart=sometimes\nReadWritePath=/'));
    const complaints = await verify([broken]);
    expect(complaints.join('\n')).toContain('sometimes');
    expect(complaints.join('\n')).toContain("Unknown key 'ReadWritePath'");
  });

  it('run the kiosk unprivileged, able to write /var/lib/msp and nothing else, only while unprovisioned', async () => {
    const kiosk = await readFile(join(UNITS, 'osiris-kiosk.service'), 'utf8');
    for (const line of ['User=osiris-kiosk', 'ProtectSystem=strict', 'ReadWritePaths=/var/lib/msp', 'NoNewPrivileges=yes', 'ProtectHome=yes', 'UMask=0077', 'ConditionPathExists=!/var/lib/msp/.first-provision-success', 'SupplementaryGroups=video render input']) {
      expect(kiosk).toContain(line);
    }
    const headless = await readFile(join(UNITS, 'osiris-provision-headless.service'), 'utf8');
    expect(headless).toContain('ConditionPathExistsGlob=!/dev/dri/card*');
    expect(headless).toContain('--provision-interactive');
    expect(headless).toContain('ConditionPathExists=!/var/lib/msp/.first-provision-success');
  });

  it('hand over on the finished marker (not config.yaml), installing drop-ship SSH keys as root first', async () => {
    const path = await readFile(join(UNITS, 'osiris-agent-handover.path'), 'utf8');
    expect(path).toContain('PathExists=/var/lib/msp/.first-provision-success');
    expect(path).not.toContain('PathExists=/var/lib/msp/config.yaml');
    const service = await readFile(join(UNITS, 'osiris-agent-handover.service'), 'utf8');
    expect(service).toContain('ExecStartPre=-/usr/bin/osiris-provision --install-ssh-keys --authorized-keys /root/.ssh/authorized_keys');
    expect(service).not.toContain('User=');
  });
});

describe('deploy/ osiris-provision for the appliance', () => {
  it('is an executable shell wrapper running the CLI through the packaged binary, installed by the deb', async () => {
    const wrapper = join(projectRoot(), 'deploy', 'bin', 'osiris-provision');
    await run('sh', ['-n', wrapper]);
    expect((await stat(wrapper)).mode & 0o111).toBe(0o111);
    expect(await readFile(wrapper, 'utf8')).toContain('exec "/opt/OsirisCare Provisioning/osiris-kiosk" --ozone-platform=headless --cli "$@"');
    const postinst = await readFile(join(projectRoot(), 'deploy', 'deb', 'postinst.sh'), 'utf8');
    expect(postinst).toContain('install -m 0755 "/opt/OsirisCare Provisioning/resources/bin/osiris-provision" /usr/bin/osiris-provision');
    expect(await readFile(join(projectRoot(), 'deploy', 'deb', 'postrm.sh'), 'utf8')).toContain('rm -f /usr/bin/osiris-provision');
  });
});
