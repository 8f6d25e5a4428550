import { chmod, lstat, mkdir, readdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { createConfig } from '../src/config/write.js';
import { useTempDir } from '../../test-support/backend.js';
import { CONFIG_INPUT, CONFIG_NOW, configWriter } from '../../test-support/config-input.js';

// Writing the config: its fields, its mode, what it replaces and what it keeps (what is read back: config-state.test.ts).
const tempDir = useTempDir();

const INPUT = CONFIG_INPUT;
const NOW = CONFIG_NOW;
const write = configWriter(tempDir);

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

  it('keeps the backup just made even when the clock stepped back (NTP correcting a boot clock that ran ahead)', async () => {
    const ahead = new Date('2027-06-01T00:00:00Z');
    const first = await write({}, { now: () => ahead });
    for (let i = 0; i < 3; i += 1) await write({ site_id: `ahead-${i}` }, { stateDir: first.stateDir, force: true, now: () => new Date(ahead.getTime() + i) });
    const replaced = await readFile(first.path, 'utf8');
    const corrected = await write({ site_id: 'after-ntp' }, { stateDir: first.stateDir, force: true, now: () => new Date('2026-11-29T12:00:00Z') });
    const backupPath = corrected.result.ok ? corrected.result.data.backupPath : undefined;
    expect(await readFile(backupPath ?? '', 'utf8')).toBe(replaced);
    expect((await readdir(first.stateDir)).filter((n) => n.startsWith('config.yaml.bak-'))).toHaveLength(3);
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
