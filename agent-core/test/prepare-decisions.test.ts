import { mkdir, readdir, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_STATE_DIR } from '../src/constants.js';
import { runProvisioningFlow } from '../src/flow/flow.js';
import { flowPaths } from '../src/flow/prepare.js';
import { acquireLock } from '../src/state/lock.js';
import { FAST_RETRY, PENDING_CODE, PRESET_SITE_CODE, SECOND_PENDING_CODE, TEST_IDENTITY, useBackend, useTempDir } from '../../test-support/backend.js';
import { configOf, flowRunner, powerCutAfter } from '../../test-support/flow-run.js';

// What the run decides from the disk before anything reaches the network: where its files are, which
// state directory it trusts, and what a config or a journal already there means.
const backend = useBackend();
const tempDir = useTempDir();
const flow = flowRunner(tempDir, { preflight: 'never', lockWaitMs: 0 });

describe('where the run keeps its files', () => {
  it('keeps the journal, the lock and the marker beside a config path given alone, and names that directory the state directory', async () => {
    const server = await backend();
    const configPath = join(await tempDir(), 'etc-msp', 'config.yaml');
    const result = await runProvisioningFlow({ code: PENDING_CODE, apiEndpoint: server.url, configPath, identity: TEST_IDENTITY, http: { retry: FAST_RETRY }, preflight: 'never' });
    expect(result).toMatchObject({ ok: true, data: { config_path: configPath } });
    expect((await configOf(configPath)).state_dir).toBe(dirname(configPath));
    expect((await readdir(dirname(configPath))).sort()).toEqual(['.first-provision-success', 'config.yaml']);
  });

  it('uses the appliance’s state directory when given neither a state directory nor a config path', () => {
    expect(flowPaths(undefined, undefined)).toEqual({
      stateDir: DEFAULT_STATE_DIR,
      configPath: join(DEFAULT_STATE_DIR, 'config.yaml'),
      journalPath: join(DEFAULT_STATE_DIR, 'claim-journal.json'),
      lockPath: join(DEFAULT_STATE_DIR, 'provision.lock'),
    });
  });
});

describe('a state directory the run cannot trust', () => {
  it('refuses a state directory that is a symbolic link before the lock or the network', async () => {
    const server = await backend();
    const root = await tempDir();
    const real = join(root, 'elsewhere');
    await mkdir(real, { mode: 0o700 });
    const stateDir = join(root, 'msp');
    await symlink(real, stateDir);
    const { result } = await flow(server.url, { stateDir });
    expect(result).toMatchObject({ ok: false, code: 'io', step: 'prepare', error: `State directory ${stateDir} is a symbolic link: refusing to use it` });
    expect(server.mock.store.appliances.size).toBe(0);
    expect(await readdir(real)).toEqual([]);
  });
});

describe('what is already on disk', () => {
  it('says the appliance is provisioned, naming the config, when a finished config is there', async () => {
    const server = await backend();
    const { stateDir, configPath } = await flow(server.url);
    const { result } = await flow(server.url, { stateDir, code: SECOND_PENDING_CODE });
    expect(result).toMatchObject({
      ok: false,
      code: 'exists',
      step: 'prepare',
      error: `Appliance is already provisioned (config at ${configPath})`,
      hint: 'Use --force to re-provision; the current config will be backed up.',
    });
  });

  it('tells a new code about the unfinished claim beside a config written from another answer, and leaves both as they are', async () => {
    const server = await backend();
    const { stateDir, configPath } = await flow(server.url);
    const before = await configOf(configPath);
    // A re-provisioning with another code, cut off once its answer was journalled: the old config is still in place.
    await expect(flow(server.url, { stateDir, code: SECOND_PENDING_CODE, force: true, hooks: powerCutAfter('journal') })).rejects.toThrow('power cut');
    const { result } = await flow(server.url, { stateDir, code: PRESET_SITE_CODE });
    expect(result).toMatchObject({ ok: false, code: 'pending-claim', step: 'prepare', error: expect.stringContaining('claimed with code C0FF…F123') as unknown });
    expect(await configOf(configPath)).toEqual(before);
    expect(await readdir(stateDir)).toContain('claim-journal.json');
  });

  it('stops cleanly, and frees the lock, when an unusable journal cannot be set aside', async () => {
    const server = await backend();
    const stateDir = join(await tempDir(), 'msp');
    await mkdir(stateDir, { recursive: true, mode: 0o700 });
    await writeFile(join(stateDir, 'claim-journal.json'), 'not json', { mode: 0o600 });
    // Something already sits, and stays, where the unusable journal would be put aside.
    const aside = join(stateDir, 'claim-journal.json.corrupt-2026-01-04T15-30-00-000Z');
    await mkdir(aside);
    await writeFile(join(aside, 'in-the-way'), '');
    const { result } = await flow(server.url, { stateDir, now: () => new Date('2026-01-04T15:30:00Z') });
    expect(result).toMatchObject({ ok: false, code: 'io', step: 'prepare', error: expect.stringMatching(new RegExp(`^Cannot use ${stateDir}: `)) as unknown });
    expect(server.mock.store.appliances.size).toBe(0);
    const next = await acquireLock(join(stateDir, 'provision.lock'), 'the next run', { waitMs: 0 });
    expect(next.ok).toBe(true);
    if (next.ok) await next.data.release();
  });
});
