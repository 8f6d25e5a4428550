import { execFile } from 'node:child_process';
import { chmod, chown, mkdir, readdir, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runProvisioningFlow } from '../src/flow/flow.js';
import { PENDING_CODE, TEST_IDENTITY, useBackend, useTempDir } from '../../test-support/backend.js';
import { CLI, runCli } from '../../test-support/cli.js';
import { claimBody, sendJson, useHostileServer } from '../../test-support/hostile-server.js';
import { runCliInNamespace } from '../../test-support/namespace.js';

const backend = useBackend();
const hostile = useHostileServer();
const tempDir = useTempDir();
const NOBODY = 65534;
/** What a terminal acts on: C0 (but newline and tab), DEL, C1, line/paragraph separators, bidi controls. */
// eslint-disable-next-line no-control-regex -- naming the control characters is the point
const TERMINAL_CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

describe('attack finding 4: terminal injection through server strings', () => {
  const HOSTILE = {
    site_id: 'site\u001b[2J\u001b]0;pwned\u0007\u001b]52;c;ZWNobyBoaQ==\u0007',
    brand: 'Partner \u001b[32mOK\u001b[0m \u009b31m\u202eevil\u2028next',
  };

  it('prints no control character, whatever the server sends (human output and --json alike)', async () => {
    const server = await hostile((req, res) => {
      if (req.url === '/api/provision/claim') sendJson(res, 200, claimBody({ site_id: HOSTILE.site_id, api_endpoint: null, partner: { slug: 'p', brand_name: HOSTILE.brand } }));
      else sendJson(res, 404, { detail: 'boom\u001b[31m\u202e' });
    });
    for (const json of [false, true]) {
      const run = await runCli(['--provision', PENDING_CODE, '--api-endpoint', server.url, '--state-dir', join(await tempDir(), 'msp'), ...(json ? ['--json'] : [])]);
      expect(run.code).toBe(0);
      expect(run.stdout + run.stderr).not.toMatch(TERMINAL_CONTROLS);
      if (json) expect(JSON.parse(run.stdout)).toMatchObject({ site_id: HOSTILE.site_id });
      else expect(run.stdout).toContain('Site ID:     site\uFFFD[2J\uFFFD]0;pwned');
    }
  });
});

describe('attack finding 5: a state directory provisioning cannot trust', () => {
  const provision = (stateDir: string, url: string) => runProvisioningFlow({ code: PENDING_CODE, apiEndpoint: url, stateDir, identity: TEST_IDENTITY, preflight: 'never' });

  it('takes its own directory back to 0700 before writing anything', async () => {
    const server = await backend();
    const stateDir = join(await tempDir(), 'msp');
    await mkdir(stateDir, { mode: 0o777 });
    await chmod(stateDir, 0o777);
    expect((await provision(stateDir, server.url)).ok).toBe(true);
    expect((await stat(stateDir)).mode & 0o777).toBe(0o700);
  });

  it('refuses a directory owned by another user, before any network call', async () => {
    const server = await backend();
    const stateDir = join(await tempDir(), 'msp');
    await mkdir(stateDir, { mode: 0o700 });
    await chown(stateDir, NOBODY, NOBODY);
    const result = await provision(stateDir, server.url);
    expect(result).toMatchObject({ ok: false, code: 'io', step: 'prepare', error: `State directory ${stateDir} belongs to another user (uid ${NOBODY}, not 0): refusing to use it` });
    expect(server.mock.store.codes.get(PENDING_CODE)?.status).toBe('pending');
  });

  it('refuses a journal another user planted while the directory was open, instead of following it to their site', async () => {
    const server = await backend();
    const stateDir = join(await tempDir(), 'msp');
    await mkdir(stateDir, { mode: 0o700 });
    const planted = { version: 2, source: 'claim', created_at: 'x', api_endpoint: 'https://attacker.example', mac_address: TEST_IDENTITY.mac_address, hostname: 'h', site: { site_id: 'attacker', appliance_id: 'attacker-x', api_key: 'attacker-key', partner: {} } };
    await writeFile(join(stateDir, 'claim-journal.json'), JSON.stringify(planted));
    await chown(join(stateDir, 'claim-journal.json'), NOBODY, NOBODY);
    const result = await runProvisioningFlow({ apiEndpoint: server.url, stateDir, identity: TEST_IDENTITY, preflight: 'never' });
    expect(result).toMatchObject({ ok: false, code: 'io', error: expect.stringContaining(`claim-journal.json belongs to another user (uid ${NOBODY})`) as unknown });
    expect(await readdir(stateDir)).toEqual(['claim-journal.json']);
  });

  it('refuses a state directory that is a symbolic link', async () => {
    const server = await backend();
    const dir = await tempDir();
    await mkdir(join(dir, 'real'), { mode: 0o700 });
    await symlink(join(dir, 'real'), join(dir, 'msp'));
    expect(await provision(join(dir, 'msp'), server.url)).toMatchObject({ ok: false, code: 'io', error: expect.stringContaining('is a symbolic link') as unknown });
    expect(await readdir(join(dir, 'real'))).toEqual([]);
  });
});

describe('attack finding 10: smaller ones', () => {
  it('refuses an empty OSIRIS_STATE_DIR (never the current directory) with a usage error', async () => {
    const run = await runCli(['--provision', PENDING_CODE, '--json'], { env: { OSIRIS_STATE_DIR: '' } });
    expect(run.code).toBe(2);
    expect(JSON.parse(run.stdout)).toEqual({ ok: false, code: 'usage', error: 'OSIRIS_STATE_DIR is set but empty' });
    expect((await runCli(['--check', '--state-dir', ''])).code).toBe(2);
  });

  it('tells a system Node older than 22.12 which Node is needed, in one line and no stack trace', async () => {
    const preload = join(await tempDir(), 'old-node.cjs');
    await writeFile(preload, "Object.defineProperty(process, 'versions', { value: { ...process.versions, node: '20.20.2' } }); Object.defineProperty(process, 'version', { value: 'v20.20.2' });\n");
    const { stderr } = await promisify(execFile)(process.execPath, ['-r', preload, CLI, '--check']).catch((err: unknown) => err as { stderr: string; code: number });
    expect(stderr.trim().split('\n')).toEqual(['osiris-provision: needs Node.js 22.12 or newer, and this is v20.20.2. From the project folder run `npx osiris-provision …` (npm brings Node 22); on an appliance use the packaged /usr/bin/osiris-provision.']);
  });
});

describe('attack finding 8: localhost is trusted only as far as it resolves to this machine', () => {
  it('provisions over plain http to localhost when it is loopback', async () => {
    const server = await backend();
    const port = new URL(server.url).port;
    const run = await runCli(['--provision', PENDING_CODE, '--json', '--api-endpoint', `http://localhost:${port}`, '--state-dir', join(await tempDir(), 'msp')]);
    expect(JSON.parse(run.stdout)).toMatchObject({ ok: true });
  });

  it('refuses, before sending a byte, a localhost that resolves to a remote address', async () => {
    const hosts = join(await tempDir(), 'hosts');
    await writeFile(hosts, '203.0.113.7 localhost\n');
    const run = await runCliInNamespace(`mount --bind '${hosts}' /etc/hosts`, ['--provision', PENDING_CODE, '--json', '--api-endpoint', 'http://localhost:8080', '--state-dir', join(await tempDir(), 'msp')]);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout)).toEqual({ ok: false, code: 'unreachable', error: 'localhost does not resolve to this machine: refusing plain http to it' });
  });

  it('refuses a localhost that resolves to this machine and to a remote address as well', async () => {
    const hosts = join(await tempDir(), 'hosts');
    await writeFile(hosts, '127.0.0.1 localhost\n203.0.113.7 localhost\n');
    const run = await runCliInNamespace(`mount --bind '${hosts}' /etc/hosts`, ['--provision', PENDING_CODE, '--json', '--api-endpoint', 'http://localhost:8080', '--state-dir', join(await tempDir(), 'msp')]);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout)).toEqual({ ok: false, code: 'unreachable', error: 'localhost does not resolve to this machine: refusing plain http to it' });
  });
});
