import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runDropshipFlow } from '../src/flow/dropship.js';
import { runProvisioningFlow } from '../src/flow/flow.js';
import { assignMac } from '../../mock-server/src/store/index.js';
import { FAST_RETRY, TEST_IDENTITY, useBackend, useTempDir } from '../../test-support/backend.js';
import { DROPSHIP_MAC as MAC, dropshipHarness } from '../../test-support/dropship-run.js';
import { flowRunner, powerCutAfter } from '../../test-support/flow-run.js';

// The steps after the point of no return that may fail without undoing the provisioning: the SSH
// keys and the finished marker. Each failure is a warning, and the config stays.
const backend = useBackend();
const tempDir = useTempDir();
const flow = flowRunner(tempDir, { preflight: 'never' });
const { setup } = dropshipHarness(backend, tempDir);

const SSH_KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl tech@partner';

/** A path where nothing can be written: a non-empty directory stands where the file would go. */
async function blockWith(path: string): Promise<void> {
  await mkdir(path, { recursive: true, mode: 0o700 });
  await writeFile(join(path, 'in-the-way'), '');
}

/** A drop-ship assignment carrying `keys`, with the box's state directory made ready for `prepareDir`. */
async function assignedWithKeys(keys: string[], prepareDir: (stateDir: string) => Promise<void> = () => Promise.resolve()) {
  const harness = await setup({ assign: false });
  assignMac(harness.server.mock.store, MAC, { site_id: 'ds-site', ssh_authorized_keys: keys });
  await mkdir(harness.stateDir, { recursive: true, mode: 0o700 });
  await prepareDir(harness.stateDir);
  return harness;
}

const warningsOf = (events: readonly { status: string; step: string; message: string }[]) => events.filter((e) => e.status === 'warning').map((e) => [e.step, e.message]);

describe('the finished marker', () => {
  it('provisions with a warning when the marker cannot be written, and keeps the journal for the next run to finish', async () => {
    const server = await backend();
    const stateDir = join(await tempDir(), 'msp');
    const marker = join(stateDir, '.first-provision-success');
    await blockWith(marker);
    const { result, events, configPath } = await flow(server.url, { stateDir });
    expect(result).toMatchObject({ ok: true, data: { config_path: configPath } });
    expect(warningsOf(events)).toEqual([['done', expect.stringMatching(/^Could not mark provisioning finished: Cannot write /) as unknown]]);
    expect(await readdir(stateDir)).toContain('claim-journal.json');
  });
});

describe('the SSH keys a drop-ship config carries', () => {
  it('installs nothing and warns about nothing when no authorized_keys file is named', async () => {
    const { base } = await assignedWithKeys([SSH_KEY]);
    const result = await runDropshipFlow(base);
    expect(result).toMatchObject({ ok: true, data: { warnings: [] } });
  });

  it('skips a line that is not an SSH public key, with a warning naming it, and installs the rest', async () => {
    const { base, events } = await assignedWithKeys(['not a key at all', SSH_KEY]);
    const authorizedKeysPath = join(await tempDir(), 'authorized_keys');
    const result = await runDropshipFlow({ ...base, authorizedKeysPath });
    expect(result.ok).toBe(true);
    expect(warningsOf(events)).toEqual([['write-config', 'Skipped an SSH key from Central Command (key 1: not an SSH public key)']]);
    expect(events).toContainEqual(expect.objectContaining({ step: 'write-config', status: 'done', message: `Installed 1 SSH key(s) in ${authorizedKeysPath}` }));
    expect(await readFile(authorizedKeysPath, 'utf8')).toContain(SSH_KEY);
  });

  it('provisions with a warning when the authorized_keys file cannot be written', async () => {
    const { base, events, stateDir } = await assignedWithKeys([SSH_KEY]);
    const notADir = join(await tempDir(), 'ssh');
    await writeFile(notADir, 'a file where the .ssh directory should be');
    const authorizedKeysPath = join(notADir, 'authorized_keys');
    const result = await runDropshipFlow({ ...base, authorizedKeysPath });
    expect(result).toMatchObject({ ok: true, data: { site_id: 'ds-site' } });
    expect(warningsOf(events)).toEqual([['write-config', `Could not install SSH keys: Cannot write ${authorizedKeysPath}: a file is in the way of the state directory`]]);
    expect(await readdir(stateDir)).toContain('ssh-keys.signed.json');
  });

  it('provisions with a warning when the signed keys cannot be kept for later, and still installs them where asked', async () => {
    const { base, events, stateDir } = await assignedWithKeys([SSH_KEY], (dir) => blockWith(join(dir, 'ssh-keys.signed.json')));
    const authorizedKeysPath = join(await tempDir(), 'authorized_keys');
    const result = await runDropshipFlow({ ...base, authorizedKeysPath });
    expect(result.ok).toBe(true);
    expect(warningsOf(events)).toEqual([['write-config', expect.stringMatching(new RegExp(`^Could not keep the SSH keys for later: Cannot write ${join(stateDir, 'ssh-keys.signed.json')}: `)) as unknown]]);
    expect(await readFile(authorizedKeysPath, 'utf8')).toContain(SSH_KEY);
  });

  it('installs the keys of a drop-ship answer that a run without a code finishes', async () => {
    const { base, stateDir } = await assignedWithKeys([SSH_KEY]);
    await expect(runDropshipFlow({ ...base, hooks: powerCutAfter('journal') })).rejects.toThrow('power cut');
    const authorizedKeysPath = join(await tempDir(), 'authorized_keys');
    const result = await runProvisioningFlow({ apiEndpoint: base.apiEndpoint ?? '', stateDir, identity: TEST_IDENTITY, http: { retry: FAST_RETRY }, preflight: 'never', authorizedKeysPath });
    expect(result).toMatchObject({ ok: true, data: { source: 'dropship', site_id: 'ds-site', resumed: true, warnings: [] } });
    expect(await readFile(authorizedKeysPath, 'utf8')).toContain(SSH_KEY);
  });
});

describe('a code claim, which carries no SSH keys', () => {
  it('leaves a named authorized_keys file alone', async () => {
    const server = await backend();
    const authorizedKeysPath = join(await tempDir(), 'authorized_keys');
    const { result, events } = await flow(server.url, { authorizedKeysPath });
    expect(result).toMatchObject({ ok: true, data: { warnings: [] } });
    expect(events.some((e) => e.message.includes('SSH key'))).toBe(false);
    await expect(stat(authorizedKeysPath)).rejects.toThrow('ENOENT');
  });
});
