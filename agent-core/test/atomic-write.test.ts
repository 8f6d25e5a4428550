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
