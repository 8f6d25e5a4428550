import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { signerFromSeed } from '../../mock-server/src/signing.js';
import { assignMac } from '../../mock-server/src/store/index.js';
import { useBackend, useTempDir } from '../../test-support/backend.js';
import { runCli } from '../../test-support/cli.js';
import { sendJson, useHostileServer } from '../../test-support/hostile-server.js';

const backend = useBackend();
const hostile = useHostileServer();
const tempDir = useTempDir();
const OTHER_SEED = '11'.repeat(32);

async function machineMac(): Promise<string> {
  return (await runCli(['--mac'])).stdout.trim();
}

async function keyFile(hex: string): Promise<string> {
  const path = join(await tempDir(), 'central-command.pub');
  await writeFile(path, `# Central Command drop-ship key\n${hex}\n`);
  return path;
}

async function setup(options: { assign?: boolean; keys?: string[] } = {}) {
  // The engine waits at least 5 s between polls whatever the server says; 1 s here means "as soon as allowed".
  const server = await backend({ dropshipRetrySeconds: 1 });
  const mac = await machineMac();
  if (options.assign !== false) assignMac(server.mock.store, mac, { site_id: 'nepa-it-dropship', clinic_name: 'Drop Clinic', partner: 'nepa-it', ssh_authorized_keys: options.keys ?? [] });
  const stateDir = join(await tempDir(), 'msp');
  const serverKey = await keyFile(server.mock.signer.publicKeyHex);
  return { server, mac, stateDir, serverKey, common: ['--api-endpoint', server.url, '--state-dir', stateDir, '--server-key', serverKey] };
}

describe('osiris-provision --wait-for-assignment (drop-ship)', () => {
  it('provisions from the signed config once the MAC is assigned, showing the MAC to give the partner', async () => {
    const { server, mac, stateDir, common } = await setup();
    const run = await runCli(['--wait-for-assignment', ...common]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Waiting for a partner to assign MAC ${mac} to a site in the dashboard.`);
    expect(run.stdout).toContain('Assigned:    by the partner (drop-ship, signature verified)');
    const config = await readFile(join(stateDir, 'config.yaml'), 'utf8');
    const active = [...server.mock.store.apiKeys.values()].filter((k) => k.active);
    expect(active).toHaveLength(1);
    // Read as the agent reads it: a minted key that YAML would misread is written quoted.
    expect(parse(config, { version: '1.1' })).toMatchObject({ api_key: active[0]?.key, site_id: 'nepa-it-dropship' });
    expect(config).not.toContain('partner:');
    expect(server.mock.store.dropship.get(mac)?.polls).toBe(1);
  });

  it('polls until the partner assigns it, honouring retry_seconds', async () => {
    const { server, mac, common } = await setup({ assign: false });
    server.server.on('request', (req) => {
      if (req.url?.startsWith('/api/provision/') === true && decodeURIComponent(req.url).endsWith(mac) && server.mock.store.dropship.get(mac)?.polls === 1) {
        assignMac(server.mock.store, mac, { site_id: 'nepa-it-later' });
      }
    });
    const run = await runCli(['--wait-for-assignment', '--json', ...common]);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(`Not assigned yet: give the partner MAC ${mac}`);
    expect(run.stderr).toMatch(/next check in \d+ s/);
    expect(JSON.parse(run.stdout)).toMatchObject({ ok: true, source: 'dropship', site_id: 'nepa-it-later' });
  });

  it('gives up after --timeout-total with exit 1 and the MAC in the message', async () => {
    const { mac, stateDir, common } = await setup({ assign: false });
    const run = await runCli(['--wait-for-assignment', '--json', '--timeout-total', '1', ...common]);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout)).toEqual({ ok: false, code: 'not-assigned', error: `No partner has assigned this appliance (MAC ${mac}) to a site yet` });
    await expect(stat(join(stateDir, 'config.yaml'))).rejects.toThrow();
  });

  it('refuses a config signed with another key, writing nothing', async () => {
    const { stateDir, common } = await setup();
    const wrongKey = await keyFile(signerFromSeed(OTHER_SEED).publicKeyHex);
    const run = await runCli(['--wait-for-assignment', '--json', ...common, '--server-key', wrongKey]);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout)).toMatchObject({ ok: false, code: 'bad-signature', error: expect.stringContaining("does not match Central Command's key") as unknown });
    await expect(stat(join(stateDir, 'config.yaml'))).rejects.toThrow();
    await expect(stat(join(stateDir, 'claim-journal.json'))).rejects.toThrow();
  });

  it('refuses to start without Central Command\'s key, before any request', async () => {
    const { server, common } = await setup();
    let requests = 0;
    server.server.on('request', () => { requests += 1; });
    const run = await runCli(['--wait-for-assignment', '--json', ...common, '--server-key', join(await tempDir(), 'absent.pub')]);
    expect(JSON.parse(run.stdout)).toMatchObject({ ok: false, code: 'server-key' });
    expect(requests).toBe(0);
  });

  it('installs the SSH keys into the named authorized_keys file in a marked block, keeping keys added by hand', async () => {
    const keys = ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeKeyForTests0000000000000000000000000 café ✓ 𝄞 support'];
    const { common } = await setup({ keys });
    const authorized = join(await tempDir(), 'ssh', 'authorized_keys');
    await import('node:fs/promises').then((fs) => fs.mkdir(join(authorized, '..'), { recursive: true }));
    await writeFile(authorized, 'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ== added-by-hand\n');
    const run = await runCli(['--wait-for-assignment', '--authorized-keys', authorized, ...common]);
    expect(run.code).toBe(0);
    const text = await readFile(authorized, 'utf8');
    expect(text).toBe(`ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ== added-by-hand\n# BEGIN osiris-provision: keys from Central Command (managed; edits here are replaced)\n${keys[0] ?? ''}\n# END osiris-provision\n`);
    expect((await stat(authorized)).mode & 0o777).toBe(0o600);
  });
});

describe('drop-ship answers that must be refused', () => {
  const hostileDropship = async (answer: (config: Record<string, unknown>, sign: (c: object) => string) => unknown) => {
    const signer = signerFromSeed(OTHER_SEED);
    const mac = await machineMac();
    const config = { site_id: 'evil-site', appliance_id: `evil-site-${mac}`, api_key: 'k'.repeat(43), api_endpoint: 'https://api.osiriscare.net', ssh_authorized_keys: [] };
    const server = await hostile((req, res) => {
      if (req.method === 'GET' && req.url?.startsWith('/api/provision/') === true) sendJson(res, 200, answer(config, (c) => signer.sign(c)));
      else sendJson(res, 404, { detail: 'Not Found' });
    });
    const stateDir = join(await tempDir(), 'msp');
    const run = await runCli(['--wait-for-assignment', '--json', '--api-endpoint', server.url, '--state-dir', stateDir, '--server-key', await keyFile(signer.publicKeyHex)]);
    return { run, stateDir, result: JSON.parse(run.stdout) as Record<string, unknown> };
  };

  it.each([
    ['an unsigned config', (config: Record<string, unknown>) => ({ config, ...config }), 'unsigned'],
    ['a config signed, then altered on the way', (config: Record<string, unknown>, sign: (c: object) => string) => ({ config: { ...config, api_endpoint: 'https://evil.example' }, signature: sign(config) }), 'bad-signature'],
    ['a config with a malformed signature', (config: Record<string, unknown>) => ({ config, signature: 'zz' }), 'bad-signature'],
  ])('refuses %s, naming the cause and writing nothing', async (_label, answer, code) => {
    const { run, stateDir, result } = await hostileDropship(answer);
    expect(run.code).toBe(1);
    expect(result).toMatchObject({ ok: false, code });
    await expect(stat(join(stateDir, 'config.yaml'))).rejects.toThrow();
  });

  it('accepts a correctly signed config whose values carry non-ASCII text (canonical \\u escapes)', async () => {
    const { run, result } = await hostileDropship((config, sign) => {
      const signed = { ...config, site_id: 'clínica-ñandú-🏥' };
      return { config: signed, signature: sign(signed), ...signed };
    });
    expect(run.code).toBe(0);
    expect(result).toMatchObject({ ok: true, site_id: 'clínica-ñandú-🏥', source: 'dropship' });
  });
});

describe('osiris-provision --provision-interactive with drop-ship in the background', () => {
  it('finishes without a code when the partner assigns the MAC while the prompt waits', async () => {
    const { stateDir, common } = await setup();
    const run = await runCli(['--provision-interactive', ...common], { onOutput: { text: '__never__', then: () => undefined } });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Or ask your partner to assign MAC');
    expect(run.stdout).toContain('A partner assigned this appliance to a site (drop-ship): provisioning...');
    expect(run.stdout).toContain('Provisioning Complete!');
    expect((await stat(join(stateDir, 'config.yaml'))).isFile()).toBe(true);
  });

  it('says drop-ship is off when Central Command\'s key is missing, and still asks for a code', async () => {
    const server = await backend();
    const run = await runCli(['--provision-interactive', '--api-endpoint', server.url, '--state-dir', join(await tempDir(), 'msp'), '--server-key', join(await tempDir(), 'none.pub')], { input: '' });
    expect(run.stdout).toMatch(/\(Drop-ship is off: Cannot read Central Command's public key at .*none\.pub/);
    expect(run.code).toBe(130);
  });
});

describe('osiris-provision --install-ssh-keys (the privileged half, run at hand-over)', () => {
  const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeKeyForTests0000000000000000000000000 support@nepa-it';

  async function provisionedUnprivileged() {
    const setupResult = await setup({ keys: [KEY] });
    expect((await runCli(['--wait-for-assignment', ...setupResult.common])).code).toBe(0);
    const authorized = join(await tempDir(), 'authorized_keys');
    return { ...setupResult, authorized, install: () => runCli(['--install-ssh-keys', '--json', '--authorized-keys', authorized, ...setupResult.common]) };
  }

  it('installs the keys the unprivileged run kept, after checking the signature again', async () => {
    const { stateDir, authorized, install } = await provisionedUnprivileged();
    expect((await stat(join(stateDir, 'ssh-keys.signed.json'))).mode & 0o777).toBe(0o600);
    const run = await install();
    expect([run.code, JSON.parse(run.stdout)]).toEqual([0, { ok: true, installed: 1 }]);
    expect(await readFile(authorized, 'utf8')).toContain(`\n${KEY}\n`);
  });

  it('refuses kept keys someone altered (the kiosk user cannot choose root\'s keys), changing nothing', async () => {
    const { stateDir, authorized, install } = await provisionedUnprivileged();
    const kept = join(stateDir, 'ssh-keys.signed.json');
    const signed = JSON.parse(await readFile(kept, 'utf8')) as { canonical: string; signature: string };
    await writeFile(kept, JSON.stringify({ ...signed, canonical: signed.canonical.replace('support@nepa-it', 'attacker@evil') }));
    const run = await install();
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout)).toMatchObject({ ok: false, code: 'bad-signature' });
    await expect(stat(authorized)).rejects.toThrow();
  });

  it('refuses validly signed keys of another appliance', async () => {
    const { stateDir, install } = await provisionedUnprivileged();
    const config = join(stateDir, 'config.yaml');
    await writeFile(config, (await readFile(config, 'utf8')).replace(/^appliance_id: .*$/m, 'appliance_id: someone-else'));
    expect(JSON.parse((await install()).stdout)).toMatchObject({ ok: false, error: 'the signed keys belong to another appliance than the one configured here' });
  });

  it('has nothing to do when no keys were kept', async () => {
    const authorized = join(await tempDir(), 'authorized_keys');
    const run = await runCli(['--install-ssh-keys', '--authorized-keys', authorized, '--state-dir', join(await tempDir(), 'msp')]);
    expect([run.code, run.stdout.trim()]).toEqual([0, 'No SSH keys from Central Command to install.']);
  });
});
