import { execFile } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { projectRoot } from '../../test-support/paths.js';

const run = promisify(execFile);
const SCRIPT = join(projectRoot(), 'scripts', 'start-kiosk.mjs');
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

describe('npm start', () => {
  it('says clearly that Electron cannot be obtained here, and what to run instead', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'no-electron-'));
    dirs.push(empty);
    const failure = await run(process.execPath, [SCRIPT], { cwd: projectRoot(), env: { ...process.env, ELECTRON_OVERRIDE_DIST_PATH: empty } }).then(
      () => undefined,
      (err: unknown) => err as { code: number; stderr: string },
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toContain('cannot reach GitHub');
    expect(failure?.stderr).toContain('npm run demo');
  });

  it('starts the kiosk windowed against the bundled mock server when Electron is there', async () => {
    const dist = await mkdtemp(join(tmpdir(), 'fake-electron-dist-'));
    dirs.push(dist);
    const log = join(dist, 'args.txt');
    await writeFile(join(dist, 'electron'), `#!/bin/sh\nprintf '%s\\n' "$@" > '${log}'\n`);
    await chmod(join(dist, 'electron'), 0o755);
    await run(process.execPath, [SCRIPT], { cwd: projectRoot(), env: { ...process.env, ELECTRON_OVERRIDE_DIST_PATH: dist } });
    const args = (await readFile(log, 'utf8')).trim().split('\n');
    expect(args.slice(0, 3)).toEqual(['.', '--windowed', '--api-endpoint']);
    expect(args[3]).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(args[4]).toBe('--state-dir');
  });
});
