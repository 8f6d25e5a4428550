import { execFileSync } from 'node:child_process';
import { chmod, lstat, mkdir, readdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { needsProvisioning, readConfigState } from '../src/config/state.js';
import { createConfig, type CreateConfigInput } from '../src/config/write.js';
import { useTempDir } from '../../test-support/backend.js';

const tempDir = useTempDir();

const INPUT: CreateConfigInput = {
  site_id: 'partner-clinic-abc123',
  appliance_id: 'partner-clinic-abc123-84:3A:5B:91:B6:61',
  partner_info: { slug: 'nepa-it', brand_name: 'NEPA IT Solutions', primary_color: '#2563EB' },
  api_endpoint: 'https://api.osiriscare.net',
  api_key: 'server-issued-key-0123456789abcdefghijkl',
  mac_address: '84:3A:5B:91:B6:61',
  hostname: 'osiriscare-appliance',
};
const NOW = () => new Date('2026-01-04T15:30:00Z');

async function write(input: Partial<CreateConfigInput> = {}, options: { force?: boolean; stateDir?: string } = {}) {
  const stateDir = options.stateDir ?? join(await tempDir(), 'msp');
  const result = await createConfig({ ...INPUT, ...input }, { stateDir, now: NOW, ...(options.force === undefined ? {} : { force: options.force }) });
  return { result, stateDir, path: join(stateDir, 'config.yaml') };
}

describe('createConfig', () => {
  it('creates config.yaml in the state dir and returns its path', async () => {
    const { result, path } = await write();
    expect(result).toMatchObject({ ok: true, data: { path } });
    expect((await stat(path)).isFile()).toBe(true);
  });

  it("writes exactly the seed's fields, in the seed's order, with the seed's defaults", async () => {
    const { path, stateDir } = await write({ api_key: 'S'.repeat(43) });
    const text = await readFile(path, 'utf8');
    const config = parse(text, { version: '1.1' }) as Record<string, unknown>;
    expect(Object.keys(config)).toEqual([
      'site_id', 'appliance_id', 'api_key', 'api_endpoint', 'poll_interval', 'enable_drift_detection', 'enable_evidence_upload',
      'enable_l1_sync', 'healing_enabled', 'healing_dry_run', 'state_dir', 'log_level', 'partner', 'provisioned_at', 'mac_address', 'hostname',
    ]);
    expect(config).toEqual({
      site_id: 'partner-clinic-abc123',
      appliance_id: 'partner-clinic-abc123-84:3A:5B:91:B6:61',
      api_key: 'S'.repeat(43),
      api_endpoint: 'https://api.osiriscare.net',
      poll_interval: 60,
      enable_drift_detection: true,
      enable_evidence_upload: true,
      enable_l1_sync: true,
      healing_enabled: true,
      healing_dry_run: false,
      state_dir: stateDir,
      log_level: 'INFO',
      partner: { slug: 'nepa-it', brand_name: 'NEPA IT Solutions', primary_color: '#2563EB' },
      provisioned_at: '2026-01-04T15:30:00+00:00',
      mac_address: '84:3A:5B:91:B6:61',
      hostname: 'osiriscare-appliance',
    });
    expect(text).toContain('primary_color: "#2563EB"');
  });

  it('is mode 0600 in a 0700 directory', async () => {
    const { path, stateDir } = await write();
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect((await stat(stateDir)).mode & 0o777).toBe(0o700);
  });

  it('writes the server-issued key exactly as issued, whatever its length', async () => {
    const { path } = await write({ api_key: 'short-key' });
    expect(await readFile(path, 'utf8')).toContain('api_key: short-key');
  });

  it('writes only the partner fields the server gave, and no partner block when it gave none (drop-ship)', async () => {
    const partial = await write({ partner_info: { slug: 'unbranded-msp' } });
    expect((parse(await readFile(partial.path, 'utf8')) as Record<string, unknown>).partner).toEqual({ slug: 'unbranded-msp' });
    const none = await write({ partner_info: {} });
    expect(parse(await readFile(none.path, 'utf8'))).not.toHaveProperty('partner');
  });

  it('cannot be made to inject keys through a newline or ": " in a value', async () => {
    const hostile = 'x\nhealing_enabled: false\napi_key: attacker';
    const { path, result } = await write({ site_id: hostile, partner_info: { slug: 'a: b', brand_name: 'Evil\n  slug: pwned', primary_color: '#2563EB' } });
    expect(result.ok).toBe(true);
    const config = parse(await readFile(path, 'utf8'), { version: '1.1' }) as Record<string, unknown>;
    expect(config.site_id).toBe(hostile);
    expect(config.healing_enabled).toBe(true);
    expect(config.api_key).not.toBe('attacker');
    expect(config.partner).toEqual({ slug: 'a: b', brand_name: 'Evil\n  slug: pwned', primary_color: '#2563EB' });
    expect(Object.keys(config)).toHaveLength(16);
  });

  it('quotes values a YAML 1.1 reader (the agent uses PyYAML) would misread', async () => {
    const { path } = await write({ mac_address: '12:34:56:10:20:30', hostname: 'yes', site_id: 'on' });
    const config = parse(await readFile(path, 'utf8'), { version: '1.1' }) as Record<string, unknown>;
    expect(config.mac_address).toBe('12:34:56:10:20:30');
    expect(config.hostname).toBe('yes');
    expect(config.site_id).toBe('on');
  });

  it('applies valid server overrides', async () => {
    const { path } = await write({ overrides: { poll_interval: 300, log_level: 'DEBUG', healing_dry_run: true } });
    const config = parse(await readFile(path, 'utf8')) as Record<string, unknown>;
    expect(config).toMatchObject({ poll_interval: 300, log_level: 'DEBUG', healing_dry_run: true });
  });

  it('refuses to write an invalid config and leaves nothing behind', async () => {
    const dir = await tempDir();
    const stateDir = join(dir, 'msp');
    const result = await createConfig({ ...INPUT, api_key: '' }, { stateDir });
    expect(result.ok).toBe(false);
    await expect(readdir(dir)).resolves.toEqual([]);
  });

  it('never overwrites a valid config without force', async () => {
    const first = await write({ api_key: 'A'.repeat(43) });
    const before = await readFile(first.path, 'utf8');
    const second = await write({ site_id: 'other-site' }, { stateDir: first.stateDir });
    expect(second.result).toMatchObject({ ok: false, code: 'exists' });
    expect(await readFile(first.path, 'utf8')).toBe(before);
  });

  it('with force, replaces the config and keeps a 0600 backup of the old one', async () => {
    const first = await write({ api_key: 'A'.repeat(43) });
    const before = await readFile(first.path, 'utf8');
    const second = await write({ site_id: 'other-site' }, { stateDir: first.stateDir, force: true });
    expect(second.result.ok).toBe(true);
    if (!second.result.ok) return;
    expect(await readFile(first.path, 'utf8')).toContain('site_id: other-site');
    const backup = second.result.data.backupPath ?? '';
    expect(await readFile(backup, 'utf8')).toBe(before);
    expect((await stat(backup)).mode & 0o777).toBe(0o600);
  });

  it('replaces an invalid config without force, keeping it as a backup', async () => {
    const stateDir = join(await tempDir(), 'msp');
    await mkdir(stateDir, { recursive: true });
    await writeFile(join(stateDir, 'config.yaml'), 'site_id: half-writ');
    const { result } = await write({}, { stateDir });
    const backup = result.ok ? result.data.backupPath : undefined;
    expect(backup).toMatch(/config\.yaml\.bak-2026-01-04T15-30-00-000Z$/);
    expect(await readFile(backup ?? '', 'utf8')).toBe('site_id: half-writ');
  });

  it('gives every backup its own name even within one millisecond, and keeps only the last three (attack finding 10)', async () => {
    const first = await write();
    const contents = [await readFile(first.path, 'utf8')];
    const backups: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      const next = await write({ site_id: `site-${i}` }, { stateDir: first.stateDir, force: true });
      if (next.result.ok && next.result.data.backupPath !== undefined) backups.push(next.result.data.backupPath);
      contents.push(await readFile(first.path, 'utf8'));
    }
    expect(new Set(backups).size).toBe(5);
    const kept = (await readdir(first.stateDir)).filter((n) => n.startsWith('config.yaml.bak-')).sort();
    expect(kept).toHaveLength(3);
    // The three newest survive, each holding the config it replaced.
    for (const [i, name] of kept.entries()) expect(await readFile(join(first.stateDir, name), 'utf8')).toBe(contents[i + 2]);
  });

  it('refuses to replace a config that is a symbolic link, without following it (attack finding 5)', async () => {
    const stateDir = join(await tempDir(), 'msp');
    await mkdir(stateDir, { recursive: true });
    const target = join(stateDir, 'elsewhere.txt');
    await writeFile(target, 'precious');
    await symlink(target, join(stateDir, 'config.yaml'));
    const { result } = await write({}, { stateDir, force: true });
    expect(result).toMatchObject({ ok: false, code: 'io', error: expect.stringContaining('symbolic link') as unknown });
    expect(await readFile(target, 'utf8')).toBe('precious');
    expect((await lstat(join(stateDir, 'config.yaml'))).isSymbolicLink()).toBe(true);
  });

  it('reports an unwritable state directory clearly and changes nothing', async () => {
    if (process.getuid?.() === 0) {
      // root ignores permission bits; a file where the directory should be fails the same way for everyone
      const dir = await tempDir();
      await writeFile(join(dir, 'msp'), 'not a directory');
      const result = await createConfig(INPUT, { stateDir: join(dir, 'msp') });
      expect(result).toMatchObject({ ok: false, code: 'io' });
      expect(!result.ok && result.error).toContain(join(dir, 'msp', 'config.yaml'));
      expect(await readFile(join(dir, 'msp'), 'utf8')).toBe('not a directory');
      return;
    }
    const dir = await tempDir();
    await chmod(dir, 0o500);
    const result = await createConfig(INPUT, { stateDir: join(dir, 'msp') });
    expect(result).toMatchObject({ ok: false, code: 'io' });
    expect(!result.ok && result.error).toContain('permission denied');
  });
});

describe('createConfig, exactly', () => {
  it('returns the path and the config written, and no backup when nothing was replaced', async () => {
    const { result, path } = await write();
    expect(result.ok && Object.keys(result.data).sort()).toEqual(['config', 'path']);
    expect(result.ok && result.data.path).toBe(path);
  });

  it('writes no partner block when the server sent no partner', async () => {
    const stateDir = join(await tempDir(), 'msp');
    const { partner_info: _none, ...noPartner } = INPUT;
    const result = await createConfig(noPartner, { stateDir, now: NOW });
    expect(result.ok && result.data.config).not.toHaveProperty('partner');
    expect(await readFile(join(stateDir, 'config.yaml'), 'utf8')).not.toMatch(/^partner:/m);
  });

  it('writes to the config path given, in its own directory, with that directory as the state_dir', async () => {
    const dir = join(await tempDir(), 'elsewhere');
    const configPath = join(dir, 'agent.yaml');
    const result = await createConfig(INPUT, { configPath, now: NOW });
    expect(result).toMatchObject({ ok: true, data: { path: configPath, config: { state_dir: dir } } });
    expect(await readdir(dir)).toEqual(['agent.yaml']);
  });

  it('says why it will not replace a valid config or a link, and what to do', async () => {
    const first = await write();
    expect((await write({}, { stateDir: first.stateDir })).result).toEqual({
      ok: false, code: 'exists', retryable: false,
      error: `Appliance is already provisioned (config at ${first.path})`,
      hint: 'Use --force to re-provision; the current config will be backed up.',
    });
    const stateDir = join(await tempDir(), 'msp');
    await mkdir(stateDir, { recursive: true });
    await symlink('/etc/hostname', join(stateDir, 'config.yaml'));
    expect((await write({}, { stateDir, force: true })).result).toEqual({
      ok: false, code: 'io', retryable: false,
      error: `Refusing to replace ${join(stateDir, 'config.yaml')}: it is a symbolic link (refused)`,
      hint: 'Remove it (it should be a plain file written by provisioning), then try again.',
    });
  });

  it('keeps no backup when asked not to', async () => {
    const first = await write();
    const result = await createConfig({ ...INPUT, site_id: 'again' }, { stateDir: first.stateDir, force: true, backup: false, now: NOW });
    expect(result.ok && result.data).not.toHaveProperty('backupPath');
    expect(await readdir(first.stateDir)).toEqual(['config.yaml']);
  });

  it('prunes only old backups: the journal, the marker and other files in the state directory stay', async () => {
    const first = await write();
    const others = ['.first-provision-success', 'claim-journal.json', 'notes.txt'];
    for (const name of others) await writeFile(join(first.stateDir, name), name);
    for (let i = 0; i < 5; i += 1) await write({ site_id: `site-${i}` }, { stateDir: first.stateDir, force: true });
    const names = (await readdir(first.stateDir)).sort();
    expect(names.filter((n) => !n.startsWith('config.yaml.bak-'))).toEqual([...others, 'config.yaml'].sort());
    expect(names.filter((n) => n.startsWith('config.yaml.bak-'))).toHaveLength(3);
    for (const name of others) expect(await readFile(join(first.stateDir, name), 'utf8')).toBe(name);
  });
});

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
