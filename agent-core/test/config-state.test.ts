import { execFileSync } from 'node:child_process';
import { chmod, mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { needsProvisioning, readConfigState } from '../src/config/state.js';
import { createConfig } from '../src/config/write.js';
import { useTempDir } from '../../test-support/backend.js';
import { CONFIG_INPUT as INPUT, CONFIG_NOW as NOW, configWriter } from '../../test-support/config-input.js';

// What the engine makes of a config already on disk: missing, valid, unusable, or unreadable.
const tempDir = useTempDir();
const write = configWriter(tempDir);

describe('a config that cannot be read', () => {
  /** Runs `body` with the effective uid of `nobody`, so that a root-owned 0600 file cannot be read (root ignores modes). */
  async function asNobody<T>(body: () => Promise<T>): Promise<T> {
    const seteuid = process.seteuid;
    if (seteuid === undefined || process.geteuid?.() !== 0) throw new Error('this test runs as root (npm test does)');
    seteuid(65534);
    try {
      return await body();
    } finally {
      seteuid(0);
    }
  }

  it('is never taken for a missing one: it is not overwritten, and the failure names the file', async () => {
    const parent = await tempDir();
    const stateDir = join(parent, 'msp');
    // Everything but the config itself is open to nobody: only the read of the config can fail.
    await chmod(parent, 0o755);
    await mkdir(stateDir, { recursive: true });
    await chmod(stateDir, 0o777);
    const path = join(stateDir, 'config.yaml');
    await writeFile(path, 'site_id: unreadable\n', { mode: 0o600 });
    const [state, result] = await asNobody(async () => [await readConfigState(path), await createConfig(INPUT, { stateDir, now: NOW })] as const);
    expect(state).toMatchObject({ state: 'invalid', reason: 'cannot read it (EACCES)' });
    expect(state).not.toHaveProperty('unsafe');
    expect(result).toMatchObject({ ok: false, code: 'io', error: `Cannot write ${path}: permission denied` });
    expect(await readFile(path, 'utf8')).toBe('site_id: unreadable\n');
    expect((await readdir(stateDir)).sort()).toEqual(['config.yaml']);
  });
});

describe('needsProvisioning and readConfigState', () => {
  it('never opens a FIFO for reading (--check would hang), nor follows a link to a device (attack finding 5)', async () => {
    const dir = await tempDir();
    const fifo = join(dir, 'config.yaml');
    execFileSync('mkfifo', [fifo]);
    expect(await readConfigState(fifo)).toMatchObject({ state: 'invalid', unsafe: true, reason: 'it is not a regular file (refused)' });
    const link = join(dir, 'zero.yaml');
    await symlink('/dev/zero', link);
    expect(await readConfigState(link)).toMatchObject({ state: 'invalid', unsafe: true, reason: 'it is a symbolic link (refused)' });
  });

  it('refuses a config larger than 1 MiB without reading it all', async () => {
    const path = join(await tempDir(), 'config.yaml');
    await writeFile(path, `site_id: x\napi_key: y\n#${'p'.repeat(1024 * 1024)}\n`);
    expect(await readConfigState(path)).toMatchObject({ state: 'invalid', unsafe: true, reason: 'it is larger than 1048576 bytes (refused)' });
  });

  it('needs provisioning when there is no config', async () => {
    const path = join(await tempDir(), 'config.yaml');
    expect(await needsProvisioning(path)).toBe(true);
    expect(await readConfigState(path)).toEqual({ state: 'missing', path });
  });

  it('does not need provisioning once a config is written', async () => {
    const { path } = await write();
    expect(await needsProvisioning(path)).toBe(false);
  });

  it('accepts a config a person edited, as long as the agent would load it', async () => {
    const { path } = await write();
    const text = await readFile(path, 'utf8');
    await writeFile(path, text.replace('poll_interval: 60', 'poll_interval: 120'));
    expect(await readConfigState(path)).toEqual({ state: 'valid', path });
  });

  it.each([
    ['empty', () => '', 'empty'],
    ['truncated at a line end', (t: string) => t.split('\n').slice(0, 2).join('\n'), 'api_key'],
    ['truncated mid-line', (t: string) => t.slice(0, 40), 'not valid YAML'],
    ['unparsable', () => 'site_id: [unclosed\n', 'not valid YAML'],
    ['not a mapping', () => '- a\n- b\n', 'mapping'],
    ['missing api_key', (t: string) => t.replace(/^api_key: .*$/m, ''), 'api_key'],
    ['with poll_interval out of range', (t: string) => t.replace('poll_interval: 60', 'poll_interval: 5'), 'poll_interval'],
    ['with an unknown log level', (t: string) => t.replace('log_level: INFO', 'log_level: VERBOSE'), 'log_level'],
    ['with a duplicated key', (t: string) => `${t}site_id: again\n`, 'not valid YAML'],
  ])('reports a config that is %s as invalid, not provisioned', async (_label, mutate, reason) => {
    const { path } = await write();
    await writeFile(path, mutate(await readFile(path, 'utf8')));
    const state = await readConfigState(path);
    expect(state.state).toBe('invalid');
    expect(state.state === 'invalid' && state.reason).toContain(reason);
    expect(await needsProvisioning(path)).toBe(true);
  });
});
