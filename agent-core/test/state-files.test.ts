import { mkdir, open, readdir, readFile, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { isStaleTemp, removeStaleTemps, syncDirectory, writeFileAtomic } from '../src/fs/atomic-write.js';
import { ioFailure } from '../src/fs/io-errors.js';
import { readRegularFile } from '../src/fs/safe-read.js';
import {
  agentEndpoint, codeFingerprint, parseJournal, readJournal, removeJournal, setJournalAside, writeJournal, type JournalEntry,
} from '../src/state/journal.js';
import { useTempDir } from '../../test-support/backend.js';

// The small files the engine keeps, read and written one function at a time.
const tempDir = useTempDir();
const AT = new Date('2026-01-04T15:30:00.123Z');

const ENTRY: JournalEntry = {
  version: 2,
  source: 'claim',
  created_at: AT.toISOString(),
  api_endpoint: 'https://api.osiriscare.net',
  code_hint: 'ABCD…5678',
  code_sha256: codeFingerprint('ABCD1234EFGH5678'),
  mac_address: '84:3A:5B:91:B6:61',
  hostname: 'box',
  site: { site_id: 'clinic-abc', appliance_id: 'clinic-abc-84:3A:5B:91:B6:61', api_key: 'k'.repeat(43), partner: { brand_name: 'NEPA IT' }, settings: {}, warnings: [] } as unknown as JournalEntry['site'],
};

describe('the claim journal', () => {
  it('is written as indented JSON with a final newline, 0600, and read back as it was', async () => {
    const path = join(await tempDir(), 'claim-journal.json');
    const phases: string[] = [];
    await writeJournal(path, ENTRY, (phase) => { phases.push(phase); });
    const text = await readFile(path, 'utf8');
    expect(text).toBe(`${JSON.stringify(ENTRY, null, 2)}\n`);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(phases).toEqual(['created', 'written', 'synced', 'renamed']);
    expect(await readJournal(path)).toEqual({ state: 'found', entry: parseJournal(text).state === 'found' ? (parseJournal(text) as { entry: JournalEntry }).entry : undefined });
  });

  it('is none when missing, and corrupt — saying why — when unreadable JSON, missing fields, or a link', async () => {
    const dir = await tempDir();
    expect(await readJournal(join(dir, 'claim-journal.json'))).toEqual({ state: 'none' });
    expect(await readJournal(join(dir, 'no-such-dir', 'claim-journal.json'))).toEqual({ state: 'none' });
    await writeFile(join(dir, 'claim-journal.json'), '{"version": 2,');
    expect(await readJournal(join(dir, 'claim-journal.json'))).toEqual({ state: 'corrupt', reason: 'not valid JSON' });
    await writeFile(join(dir, 'claim-journal.json'), '{"version": 2}');
    expect(await readJournal(join(dir, 'claim-journal.json'))).toEqual({ state: 'corrupt', reason: 'fields missing or invalid' });
    await symlink('/etc/passwd', join(dir, 'linked.json'));
    expect(await readJournal(join(dir, 'linked.json'))).toEqual({ state: 'corrupt', reason: 'it is a symbolic link (refused)' });
  });

  it("promotes a complete temp file a killed writer left, and removes only a dead writer's unfinished one", async () => {
    const dir = await tempDir();
    const path = join(dir, 'claim-journal.json');
    const complete = `.claim-journal.json.999999.aaaaaa.tmp`;
    const dead = `.claim-journal.json.999998.bbbbbb.tmp`;
    const live = `.claim-journal.json.${process.pid}.cccccc.tmp`;
    const others = ['.claim-journal.json.999997.dddddd.tmp.bak', '.config.yaml.999996.eeeeee.tmp', 'claim-journal.json.999995.ffffff.tmp'];
    await writeFile(join(dir, dead), '{"version": 2, "sour');
    await writeFile(join(dir, live), '{"version": 2, "sour');
    for (const name of others) await writeFile(join(dir, name), JSON.stringify(ENTRY));
    expect(await readJournal(path)).toEqual({ state: 'none' });
    expect((await readdir(dir)).sort()).toEqual([live, ...others].sort());

    await writeFile(join(dir, complete), JSON.stringify(ENTRY));
    const found = await readJournal(path);
    expect(found).toMatchObject({ state: 'found', entry: { site: { site_id: 'clinic-abc' } } });
    expect((await readdir(dir)).sort()).toEqual(['claim-journal.json', live, ...others].sort());
  });

  it('passes over an entry named like a journal temp file that is not a file, and finds no journal', async () => {
    const dir = await tempDir();
    await mkdir(join(dir, '.claim-journal.json.999999.aaaaaa.tmp'));
    expect(await readJournal(join(dir, 'claim-journal.json'))).toEqual({ state: 'none' });
  });

  it("reads a first-release journal with every partner field and the server's endpoint, or without them", () => {
    const v1 = { version: 1, created_at: 'then', api_endpoint: 'https://api.osiriscare.net', code_hint: 'ABCD…5678', mac_address: 'M', hostname: 'h', api_key: 'key' };
    expect(parseJournal(JSON.stringify({ ...v1, claim: { site_id: 's', appliance_id: 'a', api_endpoint: 'https://b.example', partner: { slug: 'p', brand_name: 'P', primary_color: '#000000' } } }))).toEqual({
      state: 'found',
      entry: { version: 2, source: 'claim', created_at: 'then', api_endpoint: 'https://api.osiriscare.net', code_hint: 'ABCD…5678', mac_address: 'M', hostname: 'h', site: { site_id: 's', appliance_id: 'a', api_key: 'key', partner: { slug: 'p', brand_name: 'P', primary_color: '#000000' }, api_endpoint: 'https://b.example' } },
    });
    const bare = parseJournal(JSON.stringify({ ...v1, claim: { site_id: 's', appliance_id: 'a', partner: {} } }));
    expect(bare.state === 'found' && bare.entry.site).toStrictEqual({ site_id: 's', appliance_id: 'a', api_key: 'key', partner: {} });
  });

  it('is unusable when a field does not hold its whole value: a MAC with anything around it, a signature that is not two strings', () => {
    for (const mac of ['x84:3A:5B:91:B6:61', '84:3A:5B:91:B6:61x']) {
      expect(parseJournal(JSON.stringify({ ...ENTRY, mac_address: mac })), mac).toEqual({ state: 'corrupt', reason: 'fields missing or invalid' });
    }
    expect(parseJournal(JSON.stringify({ ...ENTRY, signed: { canonical: '{}' } })).state).toBe('corrupt');
    expect(parseJournal(JSON.stringify({ ...ENTRY, signed: { canonical: '{}', signature: 'ab' } })).state).toBe('found');
  });

  it('is unusable in its first-release form when the claim lacks its site, or a partner field is not text', () => {
    const v1 = { version: 1, created_at: 'then', api_endpoint: 'https://api.osiriscare.net', code_hint: 'ABCD…5678', mac_address: 'M', hostname: 'h', api_key: 'key' };
    expect(parseJournal(JSON.stringify({ ...v1, claim: { appliance_id: 'a', partner: {} } })).state).toBe('corrupt');
    expect(parseJournal(JSON.stringify({ ...v1, claim: { site_id: 's', appliance_id: 'a', partner: { brand_name: 7 } } })).state).toBe('corrupt');
  });

  it('is set aside under a name that says why and when, and removed (a missing one is fine; anything else is an error)', async () => {
    const dir = await tempDir();
    const path = join(dir, 'claim-journal.json');
    await writeFile(path, '{}');
    expect(await setJournalAside(path, AT, 'corrupt')).toBe(`${path}.corrupt-2026-01-04T15-30-00-123Z`);
    await writeFile(path, '{}');
    await removeJournal(path);
    await removeJournal(path);
    expect(await readdir(dir)).toEqual(['claim-journal.json.corrupt-2026-01-04T15-30-00-123Z']);
    await mkdir(path);
    await expect(removeJournal(path)).rejects.toMatchObject({ code: expect.stringMatching(/^(EISDIR|EPERM)$/) as unknown });
  });

  it("points the agent at the server's endpoint when it gave one, else the provisioning one; fingerprints with SHA-256", () => {
    expect(agentEndpoint(ENTRY)).toBe('https://api.osiriscare.net');
    expect(agentEndpoint({ ...ENTRY, site: { ...ENTRY.site, api_endpoint: 'https://b.example' } })).toBe('https://b.example');
    expect(codeFingerprint('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});

describe('reading a state file safely', () => {
  it('reads up to the limit exactly, and refuses one byte more', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'at'), 'x'.repeat(16));
    await writeFile(join(dir, 'over'), 'x'.repeat(17));
    expect(readRegularFile(join(dir, 'at'), 16)).toEqual({ ok: true, text: 'x'.repeat(16) });
    expect(readRegularFile(join(dir, 'over'), 16)).toEqual({ ok: false, kind: 'refused', reason: 'it is larger than 16 bytes (refused)' });
    await writeFile(join(dir, 'empty'), '');
    expect(readRegularFile(join(dir, 'empty'), 16)).toEqual({ ok: true, text: '' });
  });

  it('says which: missing (also under a file), a link, a directory, or an error with its code', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'file'), 'x');
    await symlink(join(dir, 'file'), join(dir, 'link'));
    expect(readRegularFile(join(dir, 'nope'), 16)).toEqual({ ok: false, kind: 'missing', reason: 'no such file', errno: 'ENOENT' });
    expect(readRegularFile(join(dir, 'file', 'x'), 16)).toEqual({ ok: false, kind: 'missing', reason: 'no such file', errno: 'ENOTDIR' });
    expect(readRegularFile(join(dir, 'link'), 16)).toEqual({ ok: false, kind: 'refused', reason: 'it is a symbolic link (refused)', errno: 'ELOOP' });
    expect(readRegularFile(dir, 16)).toEqual({ ok: false, kind: 'refused', reason: 'it is not a regular file (refused)' });
    expect(readRegularFile(join(dir, 'x'.repeat(300)), 16)).toEqual({ ok: false, kind: 'error', reason: 'cannot read it (ENAMETOOLONG)', errno: 'ENAMETOOLONG' });
  });

  it('reports a read that fails after opening as an error, not as missing', () => {
    // /proc/self/mem opens as a regular file of size 0, but reading from offset 0 fails with EIO.
    expect(readRegularFile('/proc/self/mem', 16)).toEqual({ ok: false, kind: 'error', reason: 'cannot read it (EIO)', errno: 'EIO' });
  });

  it('stops at the limit a file that says it is empty but is not (size 0 to stat, like a /proc file)', () => {
    expect(readRegularFile('/proc/self/status', 16)).toEqual({ ok: false, kind: 'refused', reason: 'it is larger than 16 bytes (refused)' });
  });

  it('closes what it opens, whatever it finds', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'small'), 'x');
    const openFiles = () => readdirSync('/proc/self/fd').length;
    const before = openFiles();
    for (let i = 0; i < 10; i += 1) {
      readRegularFile(join(dir, 'small'), 16);
      readRegularFile('/proc/self/status', 16);
      readRegularFile('/proc/self/mem', 16);
      readRegularFile(dir, 16);
    }
    expect(openFiles()).toBe(before);
  });
});

describe('filesystem errors, as an operator reads them', () => {
  const err = (code?: string) => Object.assign(new Error(`boom ${code ?? ''}`), code === undefined ? {} : { code });
  it.each([
    ['EACCES', 'Cannot write /s/c: permission denied', 'Run as the provisioning user, or fix the state directory ownership.'],
    ['EPERM', 'Cannot write /s/c: permission denied', 'Run as the provisioning user, or fix the state directory ownership.'],
    ['ENOSPC', 'Cannot write /s/c: the disk is full', 'Free space on the appliance disk, then try again; nothing was changed.'],
    ['EDQUOT', 'Cannot write /s/c: the disk is full', 'Free space on the appliance disk, then try again; nothing was changed.'],
    ['EROFS', 'Cannot write /s/c: the filesystem is read-only', undefined],
    ['ENOTDIR', 'Cannot write /s/c: a file is in the way of the state directory', undefined],
    ['EEXIST', 'Cannot write /s/c: a file is in the way of the state directory', undefined],
    ['ELOOP', 'Cannot write /s/c: refusing to follow a symbolic link', undefined],
    ['EIO', 'Cannot write /s/c: boom EIO', undefined],
  ])('%s', (code, error, hint) => {
    expect(ioFailure(err(code), '/s/c')).toEqual({ ok: false, code: 'io', error, retryable: false, ...(hint === undefined ? {} : { hint }) });
  });

  it('names the action, and copes with something that is not an error at all', () => {
    expect(ioFailure(err('EACCES'), '/s', 'use').error).toBe('Cannot use /s: permission denied');
    expect(ioFailure(undefined, '/s').error).toMatch(/^Cannot write \/s: /);
  });
});

describe('temp files left behind', () => {
  it('are stale when their writer is gone or they predate this boot, never when the name is not a temp of that file', async () => {
    const dir = await tempDir();
    const mine = `.config.yaml.${process.pid}.abcdef.tmp`;
    await writeFile(join(dir, mine), 'x');
    expect(await isStaleTemp(dir, '.config.yaml.999999.abcdef.tmp', 'config.yaml')).toBe(true);
    expect(await isStaleTemp(dir, mine, 'config.yaml')).toBe(false);
    expect(await isStaleTemp(dir, '.other.999999.abcdef.tmp', 'config.yaml')).toBe(false);
    expect(await isStaleTemp(dir, '.config.yaml.x999999.abcdef.tmp', 'config.yaml')).toBe(false);
    expect(await isStaleTemp(dir, '.config.yaml.999999.abcdef.tmpx', 'config.yaml')).toBe(false);
    expect(await isStaleTemp(dir, '.config.yaml.999999.ABCDEF.tmp', 'config.yaml')).toBe(false);
    // Another file's temp whose name, cut at this prefix's length, reads like a dead writer's.
    expect(await isStaleTemp(dir, '.claim-journ.999999.abcdef.tmp', 'config.yaml')).toBe(false);
    // Not a temp name at all, however old.
    await writeFile(join(dir, '.config.yaml.x1.abcdef.tmp'), 'x');
    await utimes(join(dir, '.config.yaml.x1.abcdef.tmp'), new Date(1_000_000), new Date(1_000_000));
    expect(await isStaleTemp(dir, '.config.yaml.x1.abcdef.tmp', 'config.yaml')).toBe(false);
    // Our own pid, but written before this boot (a pid reused after a reboot): stale — even an hour before.
    const bootSeconds = Number(/^btime (\d+)$/m.exec(await readFile('/proc/stat', 'utf8'))?.[1]);
    const beforeBoot = new Date((bootSeconds - 3600) * 1000);
    await utimes(join(dir, mine), beforeBoot, beforeBoot);
    expect(await isStaleTemp(dir, mine, 'config.yaml')).toBe(true);
    // Our own pid, and the file is gone: not stale (nothing to remove).
    expect(await isStaleTemp(dir, `.config.yaml.${process.pid}.ffffff.tmp`, 'config.yaml')).toBe(false);
  });

  it('are swept only when stale (pid 1 is always alive)', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, '.config.yaml.1.abcdef.tmp'), 'init is alive');
    await writeFile(join(dir, '.config.yaml.999999.abcdef.tmp'), 'gone');
    await removeStaleTemps(dir, 'config.yaml');
    expect(await readdir(dir)).toEqual(['.config.yaml.1.abcdef.tmp']);
  });

  it("are never a live writer's that this process may not signal (EPERM: the process is there)", async () => {
    const dir = await tempDir();
    await writeFile(join(dir, '.config.yaml.4242.abcdef.tmp'), 'another user is writing');
    const kill = vi.spyOn(process, 'kill').mockImplementation(() => { throw Object.assign(new Error('kill EPERM'), { code: 'EPERM' }); });
    try {
      expect(await isStaleTemp(dir, '.config.yaml.4242.abcdef.tmp', 'config.yaml')).toBe(false);
      expect(kill).toHaveBeenCalledWith(4242, 0);
    } finally {
      kill.mockRestore();
    }
  });

  it('leave the target untouched when a write fails before the rename, and nothing behind', async () => {
    const dir = await tempDir();
    const target = join(dir, 'config.yaml');
    await writeFile(target, 'old');
    for (const phase of ['created', 'written', 'synced'] as const) {
      await expect(writeFileAtomic(target, 'new', { onPhase: (p) => { if (p === phase) throw new Error(`fail at ${phase}`); } })).rejects.toThrow(`fail at ${phase}`);
      expect(await readFile(target, 'utf8')).toBe('old');
      expect(await readdir(dir)).toEqual(['config.yaml']);
    }
    // After the rename the new content is in place even if what follows fails.
    await expect(writeFileAtomic(target, 'new', { onPhase: (p) => { if (p === 'renamed') throw new Error('after'); } })).rejects.toThrow('after');
    expect(await readFile(target, 'utf8')).toBe('new');
  });

  it('honour the modes asked for, and fsync a directory', async () => {
    const dir = join(await tempDir(), 'made');
    await writeFileAtomic(join(dir, 'f'), 'x', { mode: 0o640, dirMode: 0o750 });
    expect((await stat(join(dir, 'f'))).mode & 0o777).toBe(0o640);
    expect((await stat(dir)).mode & 0o777).toBe(0o750);
    await expect(syncDirectory(dir)).resolves.toBeUndefined();
    await expect(syncDirectory(join(dir, 'missing'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('fsync a directory on filesystems that refuse it (EINVAL, ENOTSUP) without failing, and fail on any other error', async () => {
    const dir = await tempDir();
    const probe = await open(dir, 'r');
    const prototype = Object.getPrototypeOf(probe) as { sync: () => Promise<void> };
    await probe.close();
    for (const [code, fails] of [['EINVAL', false], ['ENOTSUP', false], ['EIO', true]] as const) {
      const spy = vi.spyOn(prototype, 'sync').mockRejectedValueOnce(Object.assign(new Error(code), { code }));
      try {
        if (fails) await expect(syncDirectory(dir)).rejects.toMatchObject({ code });
        else await expect(syncDirectory(dir)).resolves.toBeUndefined();
        expect(spy).toHaveBeenCalledTimes(1);
      } finally {
        spy.mockRestore();
      }
    }
  });

  it('close the directory they fsync', async () => {
    const dir = await tempDir();
    const openFiles = async () => (await readdir('/proc/self/fd')).length;
    const before = await openFiles();
    for (let i = 0; i < 20; i += 1) await syncDirectory(dir);
    expect(await openFiles()).toBe(before);
  });
});
