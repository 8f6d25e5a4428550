import { spawn } from 'node:child_process';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLAIMED_CODE, EXPIRED_CODE, PENDING_CODE, REVOKED_CODE, SECOND_PENDING_CODE, onlyKey, useBackend, useTempDir } from '../../test-support/backend.js';
import { CLI, runCli } from '../../test-support/cli.js';
import { VERSION } from '../src/version.js';

const backend = useBackend();
const tempDir = useTempDir();

async function setup() {
  const server = await backend();
  const stateDir = join(await tempDir(), 'msp');
  return { server, stateDir, common: ['--api-endpoint', server.url, '--state-dir', stateDir] };
}

describe('osiris-provision --provision', () => {
  it("provisions and prints the seed's completion text, exit 0", async () => {
    const { server, stateDir, common } = await setup();
    const run = await runCli(['--provision', 'abcd-1234-efgh-5678', ...common]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('  OsirisCare Appliance Provisioning');
    expect(run.stdout).toMatch(/MAC Address: ([0-9A-F]{2}:){5}[0-9A-F]{2}\nHostname: {4}\S+/);
    expect(run.stdout).toContain('  Provisioning Complete!');
    expect(run.stdout).toMatch(/Site ID: {5}clinic-abc-[0-9a-f]{12}\nPartner: {5}NEPA IT Solutions\nConfig: {6}.*config\.yaml/);
    expect(run.stdout).toContain('The agent will now restart in normal operation mode.');
    expect((await stat(join(stateDir, 'config.yaml'))).mode & 0o777).toBe(0o600);
    // The code is masked and the credential never printed.
    expect(run.stdout + run.stderr).not.toContain(PENDING_CODE);
    expect(run.stdout + run.stderr).not.toContain(onlyKey(server));
  });

  it('provisions on a CPU without SSE4.1 (no WebAssembly SIMD), where undici falls back to its plain parser under Liftoff only', async () => {
    // Virtual machines' default CPU models (qemu64, kvm64) lack SSE4.1; the provisioning modes keep WebAssembly at Liftoff (provision.ts).
    const { stateDir, common } = await setup();
    const run = await runCli(['--provision', PENDING_CODE, '--json', ...common], { nodeArgs: ['--no-enable-sse4-1'] });
    expect(run.stderr).not.toMatch(/Fatal|abort/i);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ ok: true });
    expect((await stat(join(stateDir, 'config.yaml'))).mode & 0o777).toBe(0o600);
  });

  it('prints exactly one JSON object with --json', async () => {
    const { stateDir, common } = await setup();
    const run = await runCli(['--provision', PENDING_CODE, '--json', ...common]);
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const result = JSON.parse(lines[0] ?? '') as Record<string, unknown>;
    expect(Object.keys(result)).toEqual(['ok', 'site_id', 'appliance_id', 'config_path', 'partner', 'source']);
    expect(result).toMatchObject({ ok: true, source: 'claim', config_path: join(stateDir, 'config.yaml'), partner: { slug: 'nepa-it', brand_name: 'NEPA IT Solutions', primary_color: '#2563EB' } });
    expect(run.stderr).toContain('Provisioning Complete!');
  });

  it.each([
    ['ZZZZ0000ZZZZ0000', 'invalid', 'Invalid provision code', 1],
    [EXPIRED_CODE, 'expired', 'Provision code expired', 1],
    [CLAIMED_CODE, 'claimed', 'Code already claimed', 1],
    [REVOKED_CODE, 'revoked', 'Provision code revoked', 1],
    ['SHORT', 'format', 'Provision code must be 16 letters or digits (A-Z, 0-9) (got 5 characters)', 1],
  ])('fails %s with code %s and the seed message', async (code, errorCode, message, exit) => {
    const { stateDir, common } = await setup();
    const run = await runCli(['--provision', code, '--json', ...common]);
    expect(run.code).toBe(exit);
    expect(JSON.parse(run.stdout)).toEqual({ ok: false, code: errorCode, error: message });
    await expect(stat(join(stateDir, 'config.yaml'))).rejects.toThrow();
  });

  it('fails with "Failed to connect to server" and a network diagnosis when the backend is down', async () => {
    const { server, common } = await setup();
    await server.close();
    const run = await runCli(['--provision', PENDING_CODE, ...common]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('Provisioning failed: Failed to connect to server');
    expect(run.stdout).toContain('Network check:');
    expect(run.stdout).toMatch(/TCP\s+fail/);
  });

  it('takes the QR text a USB scanner types (osiris://CODE) as well as the code', async () => {
    const { stateDir, common } = await setup();
    const run = await runCli(['--provision', `osiris://${PENDING_CODE}`, '--json', ...common]);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ ok: true, config_path: join(stateDir, 'config.yaml') });
    const foreign = await runCli(['--provision', `osiriscare://provision?code=${SECOND_PENDING_CODE}&endpoint=https://evil.example`, '--json', ...common]);
    expect(JSON.parse(foreign.stdout)).toMatchObject({ ok: false, code: 'untrusted-endpoint' });
  });

  it('honours --timeout', async () => {
    const server = await backend({ faults: { claim: { latency_ms: 60_000, error_status: 500 } } });
    const run = await runCli(['--provision', PENDING_CODE, '--json', '--timeout', '0.5', '--api-endpoint', server.url, '--state-dir', join(await tempDir(), 's')]);
    expect(JSON.parse(run.stdout)).toEqual({ ok: false, code: 'timeout', error: 'Connection timed out' });
  });

  it('refuses to overwrite a provisioned appliance (exit 3) unless --force', async () => {
    const { stateDir, common } = await setup();
    expect((await runCli(['--provision', PENDING_CODE, ...common])).code).toBe(0);
    const before = await readFile(join(stateDir, 'config.yaml'), 'utf8');
    const again = await runCli(['--provision', SECOND_PENDING_CODE, '--json', ...common]);
    expect(again.code).toBe(3);
    expect(JSON.parse(again.stdout)).toMatchObject({ ok: false, code: 'exists' });
    expect(await readFile(join(stateDir, 'config.yaml'), 'utf8')).toBe(before);
    const forced = await runCli(['--provision', SECOND_PENDING_CODE, '--force', ...common]);
    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain('Backup:');
  });

  it('refuses plain http to a remote host with a usage error (exit 2)', async () => {
    const run = await runCli(['--provision', PENDING_CODE, '--api-endpoint', 'http://203.0.113.7', '--state-dir', join(await tempDir(), 's')]);
    expect(run.code).toBe(2);
    expect(run.stdout).toContain('must use https');
  });
});

describe('osiris-provision --check, --mac, --help', () => {
  it('--check exits 1 when provisioning is needed and 0 once provisioned', async () => {
    const { stateDir, common } = await setup();
    const before = await runCli(['--check', '--state-dir', stateDir]);
    expect(before.code).toBe(1);
    expect(before.stdout).toContain('Provisioning needed: no config');
    await runCli(['--provision', PENDING_CODE, ...common]);
    const after = await runCli(['--check', '--json', '--state-dir', stateDir]);
    expect(after.code).toBe(0);
    expect(JSON.parse(after.stdout)).toMatchObject({ provisioned: true, state: 'valid' });
  });

  it('--check reports a present but broken config as needing provisioning', async () => {
    const { stateDir, common } = await setup();
    await runCli(['--provision', PENDING_CODE, ...common]);
    const path = join(stateDir, 'config.yaml');
    await writeFile(path, (await readFile(path, 'utf8')).slice(0, 30));
    const run = await runCli(['--check', '--state-dir', stateDir]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('is unusable');
  });

  it('--mac prints one uppercase MAC', async () => {
    const run = await runCli(['--mac']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^([0-9A-F]{2}:){5}[0-9A-F]{2}\n$/);
  });

  it('--help documents every flag and exit code; --version prints the version', async () => {
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    for (const flag of ['--provision CODE', '--provision-interactive', '--wait-for-assignment', '--check', '--mac', '--api-endpoint', '--config', '--state-dir', '--force', '--discard-claim', '--server-key FILE', '--authorized-keys PATH', '--timeout-total SECONDS', '--no-dropship', '--json', '--timeout', '--ca-file', '--diagnose']) {
      expect(help.stdout).toContain(flag);
    }
    for (const exit of ['0 done', '1 failed', '2 usage error', '3 already provisioned', '4 cannot write', '5 an unfinished claim', '75 another provisioning run', '130 cancelled']) expect(help.stdout).toContain(exit);
    expect((await runCli(['--version'])).stdout.trim()).toBe(VERSION);
  });

  it('rejects unknown flags and conflicting modes with exit 2', async () => {
    const unknown = await runCli(['--provison', PENDING_CODE]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("Unknown option '--provison'");
    expect((await runCli(['--check', '--mac'])).code).toBe(2);
    expect((await runCli(['--provision', PENDING_CODE, '--timeout', 'soon'])).code).toBe(2);
  });

  it('--diagnose reports each network stage', async () => {
    const { server } = await setup();
    const run = await runCli(['--diagnose', '--api-endpoint', server.url]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/DNS\s+pass/);
    expect(run.stdout).toMatch(/HTTP\s+pass/);
  });
});

describe('osiris-provision interactive', () => {
  const PROMPT = 'Provision Code: ';

  it('asks for the code, accepts a grouped one and provisions', async () => {
    const { stateDir, common } = await setup();
    const run = await runCli(['--provision-interactive', ...common], { input: 'abcd-1234-efgh-5678\n' });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Enter your provision code (from partner dashboard):\nFormat: XXXXXXXXXXXXXXXX (16 characters)\n\nProvision Code: ');
    expect(run.stdout).toContain('Provisioning Complete!');
    expect((await stat(join(stateDir, 'config.yaml'))).isFile()).toBe(true);
  });

  it('is the default when no config exists', async () => {
    const { common } = await setup();
    const run = await runCli(common, { input: `${PENDING_CODE}\n` });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(PROMPT);
  });

  it('does nothing by default when already provisioned', async () => {
    const { common } = await setup();
    await runCli(['--provision', PENDING_CODE, ...common]);
    const run = await runCli(common);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('already provisioned');
    expect(run.stdout).not.toContain(PROMPT);
  });

  it('allows three attempts, then gives up with exit 1', async () => {
    const { common } = await setup();
    const run = await runCli(['--provision-interactive', ...common], { input: `nope\n${EXPIRED_CODE}\nZZZZ0000ZZZZ0000\n${PENDING_CODE}\n` });
    expect(run.code).toBe(1);
    expect(run.stdout.split(PROMPT)).toHaveLength(4);
    expect(run.stdout).toContain('2 attempts left.');
    expect(run.stdout).toContain('Provisioning failed: Provision code expired');
    expect(run.stdout).toContain('No attempts left.');
  });

  it('recovers on a later attempt after a wrong code', async () => {
    const { common } = await setup();
    const run = await runCli(['--provision-interactive', ...common], { input: `ZZZZ0000ZZZZ0000\n${PENDING_CODE}\n` });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Provisioning failed: Invalid provision code');
    expect(run.stdout).toContain('Provisioning Complete!');
  });

  it('cancels cleanly on end of input (exit 130)', async () => {
    const { stateDir, common } = await setup();
    const run = await runCli(['--provision-interactive', ...common], { input: '' });
    expect(run.code).toBe(130);
    expect(run.stdout).toContain('Provisioning cancelled.');
    await expect(stat(stateDir)).rejects.toThrow();
  });

  it('cancels cleanly on Ctrl-C at the prompt (exit 130)', async () => {
    const { common } = await setup();
    const run = await runCli(['--provision-interactive', ...common], {
      onOutput: { text: PROMPT, then: (pid) => process.kill(pid, 'SIGINT') },
    });
    expect(run.signal).toBeNull();
    expect(run.code).toBe(130);
    expect(run.stdout).toContain('Provisioning cancelled.');
  });

  it('sends no heartbeat while it has no code (a heartbeat without one is refused)', async () => {
    const { server, common } = await setup();
    let beats = 0;
    server.server.on('request', (req) => { if (req.url === '/api/provision/heartbeat') beats += 1; });
    await runCli(['--provision-interactive', '--no-dropship', ...common], { input: '' });
    expect(beats).toBe(0);
  });

  it('works on a real terminal (a pseudo-terminal made by script(1))', async () => {
    const { common } = await setup();
    const command = [process.execPath, CLI, '--provision-interactive', ...common].map((a) => `'${a}'`).join(' ');
    const child = spawn('script', ['-qec', command, '/dev/null'], { stdio: ['pipe', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Provision Code: ') && !output.includes(PENDING_CODE)) child.stdin.write(`${PENDING_CODE}\n`);
    });
    const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(status).toBe(0);
    expect(output).toContain('Provisioning Complete!');
  });
});
