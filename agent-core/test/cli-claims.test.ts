import { spawn } from 'node:child_process';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runProvisioningFlow } from '../src/flow/flow.js';
import { PENDING_CODE, SECOND_PENDING_CODE, TEST_IDENTITY, useBackend, useTempDir } from '../../test-support/backend.js';
import { CLI, runCli } from '../../test-support/cli.js';
import { fullDisk, readOnly, runCliInNamespace } from '../../test-support/namespace.js';

const backend = useBackend();
const tempDir = useTempDir();

/** Leaves a journalled claim behind, as a power cut after the journal would. */
async function unfinishedClaim(url: string, stateDir: string): Promise<void> {
  await expect(runProvisioningFlow({
    code: PENDING_CODE, apiEndpoint: url, stateDir, identity: TEST_IDENTITY, preflight: 'never',
    hooks: { afterStep: (step) => (step === 'journal' ? Promise.reject(new Error('power cut')) : undefined) },
  })).rejects.toThrow('power cut');
}

describe('an unfinished claim on disk is finished on purpose only', () => {
  it('stops --provision with another code (exit 5) and names the claim; --discard-claim drops it', async () => {
    const server = await backend();
    const stateDir = join(await tempDir(), 'msp');
    await unfinishedClaim(server.url, stateDir);
    const common = ['--api-endpoint', server.url, '--state-dir', stateDir];
    const stopped = await runCli(['--provision', SECOND_PENDING_CODE, ...common]);
    expect(stopped.code).toBe(5);
    expect(stopped.stdout).toMatch(/Provisioning failed: An unfinished claim is waiting: site clinic-abc-[0-9a-f]{12} for NEPA IT Solutions, claimed with code ABCD…5678 at 20\d\d-/);
    expect(stopped.stdout).toContain('--discard-claim');
    expect(server.mock.store.codes.get(SECOND_PENDING_CODE)?.status).toBe('pending');
    const discarded = await runCli(['--provision', SECOND_PENDING_CODE, '--discard-claim', ...common]);
    expect(discarded.code).toBe(0);
    expect(discarded.stdout).toContain('Discarded the unfinished claim');
  });

  it('finishes it in interactive mode before asking for any code', async () => {
    const server = await backend();
    const stateDir = join(await tempDir(), 'msp');
    await unfinishedClaim(server.url, stateDir);
    const run = await runCli(['--provision-interactive', '--no-dropship', '--api-endpoint', server.url, '--state-dir', stateDir], { input: '' });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/An unfinished claim was found \(site clinic-abc-[0-9a-f]{12}\): finishing it, no code needed\./);
    expect(run.stdout).not.toContain('Provision Code: ');
    expect(server.mock.store.appliances.size).toBe(1);
  });
});

describe('one provisioning run at a time', () => {
  it('tells a second run who holds the state directory, and only one claim is made', async () => {
    const server = await backend({ faults: { claim: { latency_ms: 2_000 } } });
    const stateDir = join(await tempDir(), 'msp');
    const child = spawn(process.execPath, [CLI, '--provision', PENDING_CODE, '--api-endpoint', server.url, '--state-dir', stateDir], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => { child.stdout.on('data', (chunk: Buffer) => { if (chunk.toString().includes('Claiming code')) resolve(); }); });
    const second = await runProvisioningFlow({ code: SECOND_PENDING_CODE, apiEndpoint: server.url, stateDir, identity: TEST_IDENTITY, lockWaitMs: 0 });
    expect(second).toMatchObject({ ok: false, code: 'locked', step: 'prepare' });
    expect(!second.ok && second.error).toMatch(new RegExp(`^Provisioning is already running \\(osiris-provision, pid ${String(child.pid)}, since 20`));
    expect(await new Promise((resolve) => child.on('close', resolve))).toBe(0);
    expect(server.mock.store.appliances.size).toBe(1);
    expect(server.mock.store.codes.get(SECOND_PENDING_CODE)?.status).toBe('pending');
  });

  it('exits 75 when the lock stays taken, with JSON saying so', async () => {
    // Held a little longer than a second run waits for the lock (LOCK_WAIT_MS, 15 s).
    const server = await backend({ faults: { claim: { latency_ms: 17_000 } } });
    const stateDir = join(await tempDir(), 'msp');
    const holder = runProvisioningFlow({ code: PENDING_CODE, apiEndpoint: server.url, stateDir, identity: TEST_IDENTITY, purpose: 'a test holder', http: { timeoutMs: 25_000 } });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const run = await runCli(['--provision', SECOND_PENDING_CODE, '--json', '--api-endpoint', server.url, '--state-dir', stateDir]);
    expect(run.code).toBe(75);
    expect(JSON.parse(run.stdout)).toMatchObject({ ok: false, code: 'locked', error: expect.stringContaining('a test holder, pid') as unknown });
    server.mock.faults.set({});
    await holder;
  }, 45_000);
});

describe('after the point of no return, a stop request still finishes', () => {
  it('SIGTERM after the config is written: the status calls still run, the marker is written, exit 0', async () => {
    const server = await backend({ faults: { status: { latency_ms: 700 } } });
    const stateDir = join(await tempDir(), 'msp');
    const run = await runCli(['--provision', PENDING_CODE, '--api-endpoint', server.url, '--state-dir', stateDir], {
      onOutput: { text: 'Configuration written', then: (pid) => process.kill(pid, 'SIGTERM') },
    });
    expect(run.signal).toBeNull();
    expect(run.code).toBe(0);
    expect([...server.mock.store.appliances.values()][0]).toMatchObject({ status: 'active' });
    expect((await readdir(stateDir)).sort()).toEqual(['.first-provision-success', 'config.yaml']);
  });
});

describe('nothing is claimed when the state directory cannot be written', () => {
  it.each([
    ['a read-only state directory', readOnly, 'the filesystem is read-only'],
    ['a state directory on a full disk', fullDisk, 'the disk is full'],
  ])('%s: exit 4, a clear message, and no claim sent', async (_label, mount, message) => {
    const server = await backend();
    const stateDir = join(await tempDir(), 'msp');
    await mkdir(stateDir, { mode: 0o700 });
    const run = await runCliInNamespace(mount(stateDir), ['--provision', PENDING_CODE, '--json', '--api-endpoint', server.url, '--state-dir', stateDir]);
    expect(run.code).toBe(4);
    expect(JSON.parse(run.stdout)).toMatchObject({ ok: false, code: 'io', error: expect.stringContaining(message) as unknown });
    expect(server.mock.store.codes.get(PENDING_CODE)?.status).toBe('pending');
    expect(server.mock.store.appliances.size).toBe(0);
  });

  it('a complete journal temp file on a read-only disk: a clear message and exit code, never a stack trace (attack finding 9)', async () => {
    const server = await backend();
    const stateDir = join(await tempDir(), 'msp');
    await unfinishedClaim(server.url, stateDir);
    const journal = await readFile(join(stateDir, 'claim-journal.json'), 'utf8');
    await writeFile(join(stateDir, '.claim-journal.json.999999.abcdef.tmp'), journal);
    await import('node:fs/promises').then((fs) => fs.unlink(join(stateDir, 'claim-journal.json')));
    const run = await runCliInNamespace(readOnly(stateDir), ['--provision-interactive', '--no-dropship', '--json', '--api-endpoint', server.url, '--state-dir', stateDir]);
    expect(run.code).toBe(4);
    expect(JSON.parse(run.stdout)).toMatchObject({ ok: false, code: 'io', error: expect.stringContaining('read-only') as unknown });
    expect(run.stdout + run.stderr).not.toMatch(/\n\s+at /);
    expect((await stat(join(stateDir, '.claim-journal.json.999999.abcdef.tmp'))).isFile()).toBe(true);
  });
});
