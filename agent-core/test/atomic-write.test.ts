import { execFile } from 'node:child_process';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic, type WritePhase } from '../src/fs/atomic-write.js';
import { useTempDir } from '../../test-support/backend.js';

const tempDir = useTempDir();

describe('writeFileAtomic', () => {
  it('creates the file 0600 and its directory 0700', async () => {
    const dir = join(await tempDir(), 'state');
    await writeFileAtomic(join(dir, 'secret'), 'data');
    expect(await readFile(join(dir, 'secret'), 'utf8')).toBe('data');
    expect((await stat(join(dir, 'secret'))).mode & 0o777).toBe(0o600);
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
  });

  it('never has the content on disk with a wider mode, even with umask 0', async () => {
    const dir = await tempDir();
    const previous = process.umask(0);
    const modes: number[] = [];
    try {
      await writeFileAtomic(join(dir, 'secret'), 'data', {
        onPhase: async (_phase, temp) => {
          modes.push((await stat(temp).catch(() => stat(join(dir, 'secret')))).mode & 0o777);
        },
      });
    } finally {
      process.umask(previous);
    }
    expect(modes).toEqual([0o600, 0o600, 0o600, 0o600]);
  });

  it.each<WritePhase>(['created', 'written', 'synced'])('a failure at "%s" leaves the old file intact and no temp file', async (failAt) => {
    const dir = await tempDir();
    const target = join(dir, 'config.yaml');
    await writeFile(target, 'old complete content');
    await expect(
      writeFileAtomic(target, 'new content', {
        onPhase: (phase) => {
          if (phase === failAt) throw Object.assign(new Error('disk full'), { code: 'ENOSPC' });
        },
      }),
    ).rejects.toThrow('disk full');
    expect(await readFile(target, 'utf8')).toBe('old complete content');
    expect(await readdir(dir)).toEqual(['config.yaml']);
  });

  it('cleans up temp files a killed writer left behind', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, '.config.yaml.999.abcdef.tmp'), 'half');
    await writeFileAtomic(join(dir, 'config.yaml'), 'whole');
    expect(await readdir(dir)).toEqual(['config.yaml']);
  });
});

describe('the stale-temp sweep', () => {
  it("sweeps only its own file's temps: a journal's temp left by a killed run survives a config write, as do other files", async () => {
    const dir = await tempDir();
    const keep = ['.claim-journal.json.999999.abcdef012345.tmp', 'notes.tmp', '.config.yaml.999999.abcdef012345.tmp.bak', '.config.yaml.not-a-pid.abcdef.tmp'];
    for (const name of keep) await writeFile(join(dir, name), 'not ours');
    await writeFile(join(dir, '.config.yaml.999999.abcdef012345.tmp'), 'half');
    await writeFileAtomic(join(dir, 'config.yaml'), 'whole');
    expect((await readdir(dir)).sort()).toEqual([...keep, 'config.yaml'].sort());
  });
});

describe('attack finding 6: concurrent writers of the same file', () => {
  const WRITES_PER_WRITER = 300;

  it('never delete each other\'s temp files: 600 writes from two processes all land, and no temp file is left', async () => {
    const dir = await tempDir();
    const target = join(dir, 'config.yaml');
    const module = new URL('../../dist/agent-core/src/fs/atomic-write.js', import.meta.url).href;
    const script = `const { writeFileAtomic } = await import(${JSON.stringify(module)});
      const results = await Promise.allSettled(Array.from({ length: ${WRITES_PER_WRITER} }, (_, i) => writeFileAtomic(${JSON.stringify(target)}, 'child ' + i)));
      process.stdout.write(String(results.filter((r) => r.status === 'rejected').length));`;
    const child = new Promise<string>((resolve, reject) => {
      execFile(process.execPath, ['--input-type=module', '-e', script], (err, stdout) => {
        if (err === null) resolve(stdout);
        else reject(new Error(err.message));
      });
    });
    const ours = await Promise.allSettled(Array.from({ length: WRITES_PER_WRITER }, (_, i) => writeFileAtomic(target, `parent ${i}`)));
    expect(ours.filter((r) => r.status === 'rejected')).toEqual([]);
    expect(await child).toBe('0');
    expect(await readFile(target, 'utf8')).toMatch(/^(parent|child) \d+$/);
    expect((await readdir(dir)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('still removes a temp file whose writer is gone', async () => {
    const dir = await tempDir();
    const orphan = join(dir, '.config.yaml.999999.abcdef012345.tmp');
    await writeFile(orphan, 'half');
    const live = join(dir, `.config.yaml.${process.pid}.abcdef012345.tmp`);
    await writeFile(live, 'in progress');
    await writeFileAtomic(join(dir, 'config.yaml'), 'whole');
    expect((await readdir(dir)).sort()).toEqual([`.config.yaml.${process.pid}.abcdef012345.tmp`, 'config.yaml']);
  });
});
