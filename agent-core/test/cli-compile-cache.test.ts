import { chmod, chown, mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../../test-support/backend.js';
import { runCli } from '../../test-support/cli.js';

// The CLI keeps Node's compile cache (V8 code for its bundle) only where no one else can write:
// Node's default, /tmp/node-compile-cache, could be created first by any local user and filled with
// code that root would then run. OSIRIS_COMPILE_CACHE names the directory here, as a packager would.
const tempDir = useTempDir();
const NOBODY = 65534;

/** Everything under the directory, however deep (Node keeps one subdirectory per Node version and flags). */
async function entries(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true })).map(String);
}

async function check(cacheDir: string) {
  const run = await runCli(['--check', '--state-dir', join(await tempDir(), 'msp')], { env: { OSIRIS_COMPILE_CACHE: cacheDir } });
  expect(run.code).toBe(1);
  expect(run.stdout).toContain('Provisioning needed');
}

describe('the compile cache', () => {
  it('is kept in a directory of its own that only this user can write, created 0700', async () => {
    const dir = join(await tempDir(), 'cache', 'osiris-provision');
    await check(dir);
    expect((await entries(dir)).length).toBeGreaterThan(0);
  });

  it('is never read from or written to a directory another user owns', async () => {
    const dir = join(await tempDir(), 'planted');
    await mkdir(dir, { mode: 0o700 });
    await chown(dir, NOBODY, NOBODY);
    await check(dir);
    expect(await entries(dir)).toEqual([]);
  });

  it('is never used in a directory that others may write to, even one of ours', async () => {
    const dir = join(await tempDir(), 'shared');
    await mkdir(dir);
    await chmod(dir, 0o777);
    await check(dir);
    expect(await entries(dir)).toEqual([]);
  });
});
