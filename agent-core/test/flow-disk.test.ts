import { mkdir, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readConfigState } from '../src/config/state.js';
import { runDropshipFlow } from '../src/flow/dropship.js';
import { assignMac } from '../../mock-server/src/store/index.js';
import { SECOND_PENDING_CODE, TEST_IDENTITY, useBackend, useTempDir } from '../../test-support/backend.js';
import { configOf, flowRunner, powerCutAfter } from '../../test-support/flow-run.js';

// What the files a run finds in the state directory make it decide, before it asks Central Command anything.
const backend = useBackend();
const tempDir = useTempDir();
const flow = flowRunner(tempDir);

describe('what is on disk decides: an unfinished claim', () => {
  const powerCutAfterJournal = async (url: string, stateDir: string) => {
    await expect(flow(url, { stateDir, hooks: powerCutAfter('journal') })).rejects.toThrow('power cut');
  };

  it('finishes a journalled claim when run without a code, without claiming again', async () => {
    const server = await backend();
    const stateDir = join(await tempDir(), 'msp');
    await powerCutAfterJournal(server.url, stateDir);
    expect((await readConfigState(join(stateDir, 'config.yaml'))).state).toBe('missing');
    const { result, events } = await flow(server.url, { stateDir, code: undefined });
    expect(result).toMatchObject({ ok: true, data: { resumed: true } });
    expect(events.find((e) => e.step === 'claim')?.message).toContain('Finishing the claim made earlier (ABCD…5678)');
    const site = [...server.mock.store.appliances.values()][0]?.site_id ?? '';
    expect(events).toContainEqual(expect.objectContaining({ step: 'prepare', status: 'done', message: `Found the saved answer for site ${site}` }));
    expect(server.mock.store.snapshot().appliances).toHaveLength(1);
  });

  it('finishes its own unfinished claim when the technician types the same code again, claiming nothing', async () => {
    const server = await backend();
    const stateDir = join(await tempDir(), 'msp');
    await powerCutAfterJournal(server.url, stateDir);
    const { result, events } = await flow(server.url, { stateDir });
    expect(result).toMatchObject({ ok: true, data: { resumed: true } });
    expect(events.find((e) => e.step === 'claim')?.status).toBe('skipped');
    expect(server.mock.store.appliances.size).toBe(1);
  });

  it('finishes a claim with the Central Command that made it, whatever endpoint is given now', async () => {
    const server = await backend();
    const stateDir = join(await tempDir(), 'msp');
    await powerCutAfterJournal(server.url, stateDir);
    const { result, configPath } = await flow('http://127.0.0.1:9', { stateDir, code: undefined });
    expect(result).toMatchObject({ ok: true, data: { resumed: true, api_endpoint: server.url } });
    expect(await configOf(configPath)).toMatchObject({ api_endpoint: server.url });
    expect([...server.mock.store.appliances.values()][0]).toMatchObject({ status: 'active' });
  });

  it('stops a run with a new code at an unfinished claim and names it (site, partner, code, when)', async () => {
    const server = await backend();
    const stateDir = join(await tempDir(), 'msp');
    await powerCutAfterJournal(server.url, stateDir);
    const site = [...server.mock.store.appliances.values()][0]?.site_id ?? '';
    const { result } = await flow(server.url, { stateDir, code: SECOND_PENDING_CODE });
    expect(result).toMatchObject({ ok: false, code: 'pending-claim', step: 'prepare' });
    expect(!result.ok && result.error).toMatch(new RegExp(`^An unfinished claim is waiting: site ${site} for NEPA IT Solutions, claimed with code ABCD…5678 at \\d{4}-`));
    expect(!result.ok && result.hint).toBe('Finish it first (provisioning without a code finishes it), or discard it with --discard-claim to use the new code.');
    expect(server.mock.store.codes.get(SECOND_PENDING_CODE)?.status).toBe('pending');
  });

  it('drops the unfinished claim on purpose (kept aside) and claims the new code', async () => {
    const server = await backend();
    const stateDir = join(await tempDir(), 'msp');
    await powerCutAfterJournal(server.url, stateDir);
    const site = [...server.mock.store.appliances.values()][0]?.site_id ?? '';
    const { result, events } = await flow(server.url, { stateDir, code: SECOND_PENDING_CODE, discardClaim: true });
    expect(result).toMatchObject({ ok: true, data: { resumed: false } });
    const kept = (await readdir(stateDir)).find((n) => n.startsWith('claim-journal.json.discarded-')) ?? '';
    expect(kept).not.toBe('');
    expect(events).toContainEqual(expect.objectContaining({ step: 'prepare', status: 'warning', message: `Discarded the unfinished claim for site ${site} (kept as ${join(stateDir, kept)})` }));
  });

  it('says there is nothing to finish when run without a code and without a journal', async () => {
    const server = await backend();
    expect((await flow(server.url, { code: undefined })).result).toMatchObject({ ok: false, code: 'usage', step: 'prepare', error: 'There is no unfinished claim to finish', hint: 'Enter a provision code.' });
  });

  it.each([
    ['unreadable', '{"version": 2, "sou'],
    ['tampered (fails the schema)', JSON.stringify({ version: 2, source: 'claim', created_at: 'x', api_endpoint: 'https://evil.example', mac_address: 'not a mac', hostname: 'h', site: { site_id: 's' } })],
  ])('sets an %s journal aside and claims afresh (attack finding 10)', async (_label, content) => {
    const server = await backend();
    const stateDir = join(await tempDir(), 'msp');
    await mkdir(stateDir, { recursive: true, mode: 0o700 });
    await writeFile(join(stateDir, 'claim-journal.json'), content);
    const { result, events } = await flow(server.url, { stateDir });
    expect(result.ok).toBe(true);
    expect(events.some((e) => e.step === 'prepare' && e.status === 'warning' && e.message.startsWith('Set aside an unusable claim journal'))).toBe(true);
    expect((await readdir(stateDir)).some((n) => n.startsWith('claim-journal.json.corrupt-'))).toBe(true);
  });

  it('finishes a first-release (version 1) journal, so an upgrade mid-claim loses nothing', async () => {
    const server = await backend();
    const stateDir = join(await tempDir(), 'msp');
    await mkdir(stateDir, { recursive: true, mode: 0o700 });
    const v1 = { version: 1, created_at: '2026-11-01T00:00:00.000Z', api_endpoint: server.url, code_hint: 'ABCD…5678', mac_address: TEST_IDENTITY.mac_address, hostname: 'box', api_key: 'v1-key-0123456789abcdefghijklmnopqrstuvwxyz', claim: { status: 'claimed', site_id: 'old-site', appliance_id: 'old-site-84:3A:5B:91:B6:61', partner: { slug: 'nepa-it', brand_name: 'NEPA IT Solutions', primary_color: '#2563EB' } } };
    await writeFile(join(stateDir, 'claim-journal.json'), JSON.stringify(v1));
    const { result, configPath } = await flow(server.url, { stateDir, code: undefined });
    expect(result).toMatchObject({ ok: true, data: { site_id: 'old-site', resumed: true } });
    expect(await configOf(configPath)).toMatchObject({ site_id: 'old-site', api_key: v1.api_key });
  });
});

describe('what is on disk decides, before any request', () => {
  it('marks a config nobody marked finished (written by hand, or an older release) so the agent starts, and stops', async () => {
    const first = await backend();
    const { stateDir } = await flow(first.url);
    await writeFile(join(stateDir, '.first-provision-success'), '');
    await rm(join(stateDir, '.first-provision-success'));
    const again = await flow('http://127.0.0.1:9', { stateDir });
    expect(again.result).toMatchObject({ ok: false, code: 'exists', step: 'prepare', hint: 'Use --force to re-provision; the current config will be backed up.' });
    const marker = JSON.parse(await readFile(join(stateDir, '.first-provision-success'), 'utf8')) as Record<string, unknown>;
    expect(marker).toMatchObject({ source: 'existing-config', site_id: expect.any(String) as unknown });
    expect(marker.site_id).not.toBe('');
  });

  it('leaves a marker that is there alone', async () => {
    const server = await backend();
    const { stateDir } = await flow(server.url);
    const before = await readFile(join(stateDir, '.first-provision-success'), 'utf8');
    await flow('http://127.0.0.1:9', { stateDir });
    expect(await readFile(join(stateDir, '.first-provision-success'), 'utf8')).toBe(before);
  });

  it('refuses to use a config that is a link, naming it, before any request', async () => {
    const stateDir = join(await tempDir(), 'msp');
    await mkdir(stateDir, { recursive: true, mode: 0o700 });
    await symlink('/etc/hostname', join(stateDir, 'config.yaml'));
    const { result } = await flow('http://127.0.0.1:9', { stateDir });
    expect(result).toMatchObject({
      ok: false, code: 'io', step: 'prepare',
      error: `Refusing to use ${join(stateDir, 'config.yaml')}: it is a symbolic link (refused)`,
      hint: 'Remove it; provisioning writes a plain file there.',
    });
  });

  it('replaces a config it cannot load without being asked to force', async () => {
    const server = await backend();
    const stateDir = join(await tempDir(), 'msp');
    await mkdir(stateDir, { recursive: true, mode: 0o700 });
    await writeFile(join(stateDir, 'config.yaml'), 'site_id: half-writ');
    const { result } = await flow(server.url, { stateDir });
    expect(result).toMatchObject({ ok: true, data: { backup_path: expect.stringContaining('config.yaml.bak-') as unknown } });
  });

  it('finishes the journal of the very answer its config was written from, whatever code is given', async () => {
    const server = await backend();
    const stateDir = join(await tempDir(), 'msp');
    await expect(flow(server.url, { stateDir, hooks: powerCutAfter('write-config') })).rejects.toThrow('power cut');
    expect((await readdir(stateDir)).sort()).toEqual(['claim-journal.json', 'config.yaml']);
    const { result } = await flow(server.url, { stateDir, code: SECOND_PENDING_CODE });
    expect(result).toMatchObject({ ok: true, data: { resumed: true } });
    expect(result.ok && result.data).not.toHaveProperty('backup_path');
    expect(server.mock.store.codes.get(SECOND_PENDING_CODE)?.status).toBe('pending');
  });

  it("leaves a code claim's journal to a person when the drop-ship poller finds it", async () => {
    const server = await backend();
    const stateDir = join(await tempDir(), 'msp');
    await expect(flow(server.url, { stateDir, hooks: powerCutAfter('journal') })).rejects.toThrow('power cut');
    const keyFile = join(await tempDir(), 'key.pub');
    await writeFile(keyFile, `${server.mock.signer.publicKeyHex}\n`);
    const result = await runDropshipFlow({ apiEndpoint: server.url, stateDir, serverKeyPath: keyFile, identity: TEST_IDENTITY, sleep: () => Promise.resolve() });
    expect(result).toMatchObject({ ok: false, code: 'pending-claim', step: 'prepare' });
    expect(!result.ok && result.error).toMatch(/^An unfinished claim is waiting: site \S+ for NEPA IT Solutions, claimed with code ABCD…5678 at \d{4}-/);
  });

  it('names a drop-ship answer waiting when a code is given', async () => {
    const server = await backend();
    assignMac(server.mock.store, TEST_IDENTITY.mac_address, { site_id: 'ds-site' });
    const stateDir = join(await tempDir(), 'msp');
    const keyFile = join(await tempDir(), 'key.pub');
    await writeFile(keyFile, `${server.mock.signer.publicKeyHex}\n`);
    await expect(runDropshipFlow({ apiEndpoint: server.url, stateDir, serverKeyPath: keyFile, identity: TEST_IDENTITY, hooks: powerCutAfter('journal') })).rejects.toThrow('power cut');
    const { result } = await flow(server.url, { stateDir });
    expect(result).toMatchObject({ ok: false, code: 'pending-claim', error: expect.stringMatching(/^An unfinished claim is waiting: site ds-site, assigned by drop-ship at /) as unknown });
  });
});
