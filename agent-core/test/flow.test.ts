import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { readConfigState } from '../src/config/state.js';
import type { ProgressEvent } from '../src/flow/events.js';
import { runProvisioningFlow, type FlowOptions } from '../src/flow/flow.js';
import { defaultFixture } from '../../mock-server/src/fixtures.js';
import { FAST_RETRY, PENDING_CODE, SECOND_PENDING_CODE, TEST_IDENTITY, useBackend, useTempDir } from '../../test-support/backend.js';
import { claimBody, sendJson, useHostileServer } from '../../test-support/hostile-server.js';

const backend = useBackend();
const hostile = useHostileServer();
const tempDir = useTempDir();

async function flow(url: string, extra: Partial<FlowOptions> = {}) {
  const stateDir = extra.stateDir ?? join(await tempDir(), 'msp');
  const events: ProgressEvent[] = [];
  const result = await runProvisioningFlow({
    code: PENDING_CODE,
    apiEndpoint: url,
    stateDir,
    identity: TEST_IDENTITY,
    http: { retry: FAST_RETRY },
    onEvent: (e) => events.push(e),
    ...extra,
  });
  return { result, events, stateDir, configPath: join(stateDir, 'config.yaml') };
}

describe('the provisioning flow', () => {
  it('provisions end to end: claim, journal, config, status, settings, active', async () => {
    const server = await backend();
    const { result, events, configPath, stateDir } = await flow(server.url);
    expect(result).toMatchObject({ ok: true, data: { config_path: configPath, resumed: false, warnings: [], partner: { brand_name: 'NEPA IT Solutions' } } });
    if (!result.ok) return;

    const done = events.filter((e) => e.status === 'done').map((e) => e.step);
    expect(done).toEqual(['identity', 'validate', 'claim', 'journal', 'write-config', 'report-status', 'fetch-config', 'done']);
    const percents = events.map((e) => e.percent);
    expect(percents).toEqual([...percents].sort((a, b) => a - b));
    expect(percents.at(-1)).toBe(100);

    const appliance = server.mock.store.appliances.get(result.data.appliance_id);
    expect(appliance).toMatchObject({ status: 'active', progress_percent: 100, mac_address: TEST_IDENTITY.mac_address });
    const config = parse(await readFile(configPath, 'utf8')) as Record<string, unknown>;
    expect(config).toMatchObject({ site_id: result.data.site_id, api_key: appliance?.api_key, api_endpoint: server.url });
    expect(await readdir(stateDir)).toEqual(['config.yaml']);
  });

  it('never puts the code or the key in a progress event', async () => {
    const server = await backend();
    const { result, events } = await flow(server.url);
    const text = JSON.stringify(events);
    expect(text).not.toContain(PENDING_CODE);
    expect(text).toContain('ABCD…5678');
    const key = result.ok ? server.mock.store.appliances.get(result.data.appliance_id)?.api_key : undefined;
    expect(key).toBeDefined();
    expect(text).not.toContain(key);
  });

  it('refuses to re-provision a provisioned appliance before touching the network', async () => {
    const server = await backend();
    const first = await flow(server.url);
    // Nothing listens on port 9: any network call would turn this into "unreachable".
    const second = await flow('http://127.0.0.1:9', { code: SECOND_PENDING_CODE, stateDir: first.stateDir });
    expect(second.result).toMatchObject({ ok: false, code: 'exists', step: 'identity' });
    expect(server.mock.store.codes.get(SECOND_PENDING_CODE)?.status).toBe('pending');
  });

  it('re-provisions with force, keeping a backup of the old config', async () => {
    const server = await backend();
    const first = await flow(server.url);
    const old = await readFile(first.configPath, 'utf8');
    const second = await flow(server.url, { code: SECOND_PENDING_CODE, stateDir: first.stateDir, force: true });
    expect(second.result.ok).toBe(true);
    const backup = second.result.ok ? second.result.data.backup_path : undefined;
    expect(backup).toBeDefined();
    expect(await readFile(backup ?? '', 'utf8')).toBe(old);
  });

  it('applies the per-appliance settings Central Command sends', async () => {
    const fixture = { ...defaultFixture(), appliance_config: { poll_interval: 300, log_level: 'DEBUG', healing_dry_run: true, poll_jitter: 'ignored' } };
    const server = await backend({ fixture });
    const { configPath } = await flow(server.url);
    const config = parse(await readFile(configPath, 'utf8')) as Record<string, unknown>;
    expect(config).toMatchObject({ poll_interval: 300, log_level: 'DEBUG', healing_dry_run: true });
    expect(config).not.toHaveProperty('poll_jitter');
  });

  it('still provisions when status reports and the settings fetch fail, with warnings', async () => {
    const server = await backend({ faults: { status: { error_rate: 1, error_status: 500 }, config: { error_rate: 1, error_status: 500 } } });
    const { result, configPath } = await flow(server.url);
    expect(result.ok).toBe(true);
    expect(result.ok && result.data.warnings).toHaveLength(3);
    expect((await readConfigState(configPath)).state).toBe('valid');
  });

  it('explains a network failure with the preflight report', async () => {
    const server = await backend();
    const url = server.url;
    await server.close();
    const { result, events } = await flow(url);
    expect(result).toMatchObject({ ok: false, code: 'unreachable', error: 'Failed to connect to server', step: 'validate' });
    expect(!result.ok && result.preflight?.failed?.stage).toBe('tcp');
    expect(events.some((e) => e.step === 'preflight' && e.status === 'failed')).toBe(true);
  });

  it('runs the network gate first when asked, and stops there', async () => {
    const server = await backend({ faults: { health: { error_rate: 1, error_status: 503 } } });
    const { result } = await flow(server.url, { preflight: 'always' });
    expect(result).toMatchObject({ ok: false, step: 'preflight', code: 'server' });
    expect(server.mock.store.codes.get(PENDING_CODE)?.status).toBe('pending');
  });

  it('resumes a journalled claim without a code and without claiming again', async () => {
    const server = await backend();
    const stateDir = join(await tempDir(), 'msp');
    const powerCut = () => Promise.reject(new Error('power cut'));
    await expect(flow(server.url, { stateDir, hooks: { afterStep: (step) => (step === 'journal' ? powerCut() : undefined) } })).rejects.toThrow('power cut');
    expect((await readConfigState(join(stateDir, 'config.yaml'))).state).toBe('missing');

    const { result, events } = await flow(server.url, { stateDir, code: undefined });
    expect(result).toMatchObject({ ok: true, data: { resumed: true } });
    expect(events.find((e) => e.step === 'claim')?.message).toContain('Resuming the claim made earlier with code ABCD…5678');
    expect(server.mock.store.snapshot().appliances).toHaveLength(1);
  });

  it('says which appliance a claimed code belongs to', async () => {
    const server = await backend();
    const other = await flow(server.url, { identity: { mac_address: '00:11:22:33:44:55', hostname: 'other' } });
    expect(other.result.ok).toBe(true);
    const { result } = await flow(server.url);
    expect(result).toMatchObject({ ok: false, code: 'claimed', error: 'Code already claimed' });
    expect(!result.ok && result.hint).toContain('Another appliance');
  });

  it('quarantines an unreadable journal and claims afresh', async () => {
    const server = await backend();
    const stateDir = join(await tempDir(), 'msp');
    await mkdir(stateDir, { recursive: true });
    await writeFile(join(stateDir, 'claim-journal.json'), '{"version": 1, "cla');
    const { result, events } = await flow(server.url, { stateDir });
    expect(result.ok).toBe(true);
    expect(events.some((e) => e.step === 'journal' && e.status === 'warning')).toBe(true);
    expect((await readdir(stateDir)).some((n) => n.startsWith('claim-journal.json.corrupt-'))).toBe(true);
  });

  it('cancels cleanly before the claim', async () => {
    const server = await backend();
    const controller = new AbortController();
    controller.abort();
    const { result } = await flow(server.url, { signal: controller.signal });
    expect(result).toMatchObject({ ok: false, code: 'cancelled' });
    expect(server.mock.store.codes.get(PENDING_CODE)?.status).toBe('pending');
  });

  it('writes a safe config even when the server sends YAML-injecting values', async () => {
    const siteId = 'evil\nhealing_enabled: false\nlog_level: DEBUG';
    const server = await hostile((req, res) => {
      if (req.url?.startsWith('/api/provision/validate/')) sendJson(res, 200, { valid: true, partner: { brand_name: 'P' } });
      else if (req.url === '/api/provision/claim') sendJson(res, 200, claimBody({ site_id: siteId, api_endpoint: undefined }));
      else sendJson(res, 404, { detail: 'Not Found' });
    });
    const { result, configPath, events } = await flow(server.url);
    expect(result.ok).toBe(true);
    const config = parse(await readFile(configPath, 'utf8'), { version: '1.1' }) as Record<string, unknown>;
    expect(config).toMatchObject({ site_id: siteId, healing_enabled: true, log_level: 'INFO', api_endpoint: server.url });
    expect(events.some((e) => e.step === 'claim' && e.status === 'warning')).toBe(true);
  });
});
