import { readdir, readFile, stat } from 'node:fs/promises';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { readConfigState } from '../src/config/state.js';
import { defaultFixture } from '../../mock-server/src/fixtures.js';
import {
  FAST_RETRY, LONG_NAME_CODE, PENDING_CODE, SECOND_PENDING_CODE, TEST_IDENTITY, UNBRANDED_CODE, onlyKey, useBackend, useTempDir,
} from '../../test-support/backend.js';
import { claimBody, sendJson, useHostileServer } from '../../test-support/hostile-server.js';
import { configOf, flowRunner } from '../../test-support/flow-run.js';
import { HttpClient } from '../src/http/client.js';
import { validateProvisionCode } from '../src/protocol/api.js';

const backend = useBackend();
const hostile = useHostileServer();
const tempDir = useTempDir();

const flow = flowRunner(tempDir);

describe('the provisioning flow by code', () => {
  it('provisions end to end: claim, journal, config, status, settings, active, finished marker', async () => {
    const server = await backend();
    const { result, events, configPath, stateDir } = await flow(server.url);
    expect(result).toMatchObject({ ok: true, data: { source: 'claim', config_path: configPath, resumed: false, warnings: [], clinic_name: 'Clinic ABC', partner: { brand_name: 'NEPA IT Solutions' } } });
    if (!result.ok) return;
    const done = events.filter((e) => e.status === 'done').map((e) => e.step);
    expect(done).toEqual(['identity', 'prepare', 'claim', 'journal', 'write-config', 'report-status', 'fetch-config', 'done']);
    const percents = events.map((e) => e.percent);
    expect(percents).toEqual([...percents].sort((a, b) => a - b));
    expect(percents.at(-1)).toBe(100);

    const appliance = server.mock.store.appliances.get(result.data.appliance_id);
    expect(appliance).toMatchObject({ status: 'active', progress_percent: 100, mac_address: TEST_IDENTITY.mac_address });
    expect(await configOf(configPath)).toMatchObject({ site_id: result.data.site_id, api_key: onlyKey(server), api_endpoint: server.url });
    expect((await readdir(stateDir)).sort()).toEqual(['.first-provision-success', 'config.yaml']);
    expect(JSON.parse(await readFile(join(stateDir, '.first-provision-success'), 'utf8'))).toMatchObject({ site_id: result.data.site_id, source: 'claim' });
  });

  it('never puts the code or the key in a progress event', async () => {
    const server = await backend();
    const { events } = await flow(server.url);
    const text = JSON.stringify(events);
    expect(text).not.toContain(PENDING_CODE);
    expect(text).toContain('ABCD…5678');
    expect(text).not.toContain(onlyKey(server));
  });

  it('provisions a partner with no brand name and a code without a client name: no partner name in the config', async () => {
    const server = await backend();
    const { result, configPath } = await flow(server.url, { code: UNBRANDED_CODE });
    expect(result.ok).toBe(true);
    expect((await configOf(configPath)).partner).toEqual({ slug: 'unbranded-msp' });
  });

  it('refuses to re-provision a provisioned appliance before touching the network', async () => {
    const server = await backend();
    const first = await flow(server.url);
    // Nothing listens on port 9: any network call would turn this into "unreachable".
    const second = await flow('http://127.0.0.1:9', { code: SECOND_PENDING_CODE, stateDir: first.stateDir });
    expect(second.result).toMatchObject({ ok: false, code: 'exists', step: 'prepare' });
    expect(server.mock.store.codes.get(SECOND_PENDING_CODE)?.status).toBe('pending');
  });

  it('re-provisions with force, keeping a backup of the old config', async () => {
    const server = await backend();
    const first = await flow(server.url);
    const old = await readFile(first.configPath, 'utf8');
    const second = await flow(server.url, { code: SECOND_PENDING_CODE, stateDir: first.stateDir, force: true });
    expect(second.result.ok).toBe(true);
    const backup = second.result.ok ? second.result.data.backup_path : undefined;
    expect(await readFile(backup ?? '', 'utf8')).toBe(old);
  });

  it('applies the per-appliance settings Central Command sends (a mock extension; today\'s backend sends none)', async () => {
    const fixture = { ...defaultFixture(), appliance_config: { poll_interval: 300, log_level: 'DEBUG', healing_dry_run: true, poll_jitter: 'ignored' } };
    const server = await backend({ fixture });
    const { configPath } = await flow(server.url);
    const config = await configOf(configPath);
    expect(config).toMatchObject({ poll_interval: 300, log_level: 'DEBUG', healing_dry_run: true });
    expect(config).not.toHaveProperty('poll_jitter');
  });

  it("provisions against today's backend defects: each status report 500s once, becomes a warning, and is never retried", async () => {
    const server = await backend({ realQuirks: true });
    let statusCalls = 0;
    server.server.on('request', (req) => { if (req.url === '/api/provision/status') statusCalls += 1; });
    const { result, configPath } = await flow(server.url);
    expect(result.ok).toBe(true);
    expect(result.ok && result.data.warnings).toEqual(['Could not report status: Server error (HTTP 500)', 'Could not report completion: Server error (HTTP 500)']);
    expect(statusCalls).toBe(2);
    expect((await readConfigState(configPath)).state).toBe('valid');
  });

  it('still provisions when status reports and the settings fetch fail, with warnings', async () => {
    const server = await backend({ faults: { status: { error_rate: 1, error_status: 500 }, config: { error_rate: 1, error_status: 500 } } });
    const { result, configPath } = await flow(server.url);
    expect(result.ok).toBe(true);
    expect(result.ok && result.data.warnings).toHaveLength(3);
    expect((await readConfigState(configPath)).state).toBe('valid');
  });

  it('runs the network gate first when asked: stops at a failing one, goes on after a passing one', async () => {
    const failing = await backend({ faults: { health: { error_rate: 1, error_status: 503 } } });
    expect((await flow(failing.url, { preflight: 'always' })).result).toMatchObject({ ok: false, step: 'preflight', code: 'server' });
    expect(failing.mock.store.codes.get(PENDING_CODE)?.status).toBe('pending');
    const healthy = await backend();
    const { result, events } = await flow(healthy.url, { preflight: 'always' });
    expect(result.ok).toBe(true);
    expect(events).toContainEqual(expect.objectContaining({ step: 'preflight', status: 'done', message: 'Network OK' }));
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
      if (req.url === '/api/provision/claim') sendJson(res, 200, claimBody({ site_id: siteId, api_endpoint: null }));
      else sendJson(res, 404, { detail: 'Not Found' });
    });
    const { result, configPath } = await flow(server.url);
    expect(result.ok).toBe(true);
    expect(await configOf(configPath)).toMatchObject({ site_id: siteId, healing_enabled: true, log_level: 'INFO', api_endpoint: server.url });
  });

  it('provisions from a claim answer with a null message and config and a 1,000-character message: cleaned, never lost', async () => {
    const server = await hostile((req, res) => {
      if (req.url === '/api/provision/claim') sendJson(res, 200, claimBody({ message: 'm'.repeat(1000), config: null, partner: { slug: 'p', brand_name: null, primary_color: null, logo_url: null } }));
      else sendJson(res, 404, { detail: 'Not Found' });
    });
    const { result, configPath, events } = await flow(server.url);
    expect(result).toMatchObject({ ok: true, data: { site_id: 'partner-clinic-abc123' } });
    expect(result.ok && result.data.warnings).toContain('Server answer: cleaned server message (unprintable characters or over 500 characters)');
    expect(events).toContainEqual(expect.objectContaining({ step: 'claim', status: 'warning', message: 'Server answer: cleaned server message (unprintable characters or over 500 characters)' }));
    expect((await configOf(configPath)).api_key).toBe('k'.repeat(43));
  });
});

describe('what happens to a code the claim may have spent', () => {
  it('keeps an answer that lacks what a config needs, for support, and says so', async () => {
    const server = await hostile((req, res) => {
      if (req.url === '/api/provision/claim') sendJson(res, 200, claimBody({ api_key: null }));
      else sendJson(res, 404, { detail: 'Not Found' });
    });
    const { result, stateDir } = await flow(server.url);
    expect(result).toMatchObject({ ok: false, code: 'bad-response', step: 'claim', retryable: false });
    const kept = (await readdir(stateDir)).find((n) => n.startsWith('claim-answer-'));
    expect(kept).toBeDefined();
    expect(JSON.parse(await readFile(join(stateDir, kept ?? ''), 'utf8'))).toMatchObject({ site_id: 'partner-clinic-abc123', api_key: null });
    expect(!result.ok && result.hint).toContain(join(stateDir, kept ?? ''));
  });

  it('says which appliance a claimed code belongs to: another one', async () => {
    const server = await backend();
    expect((await flow(server.url, { identity: { mac_address: '00:11:22:33:44:55', hostname: 'other' } })).result.ok).toBe(true);
    const { result } = await flow(server.url);
    expect(result).toMatchObject({ ok: false, code: 'claimed', error: 'Code already claimed' });
    expect(!result.ok && result.hint).toContain('Another appliance');
  });

  it('knows, by a heartbeat with the code, when the answer of its own claim was lost on the way', async () => {
    const server = await backend({ faults: { claim: { lose_answer_rate: 1 } } });
    const { result, stateDir } = await flow(server.url, { preflight: 'never' });
    const site = [...server.mock.store.appliances.values()][0]?.site_id;
    expect(site).toBeDefined();
    expect(result).toMatchObject({ ok: false, code: 'unreachable', step: 'claim', retryable: false, error: `The claim reached Central Command (site ${site ?? ''}) but its answer was lost on the way` });
    expect(!result.ok && result.hint).toContain('Ask the partner for a new code for this appliance');
    expect((await readdir(stateDir)).filter((n) => n !== 'config.yaml')).toEqual([]);
    expect(server.mock.store.heartbeats.get(TEST_IDENTITY.mac_address)).toMatchObject({ count: 1 });
  });

  it('says the code is still unused when the connection dropped before the server took the claim', async () => {
    const server = await backend({ faults: { claim: { drop_rate: 1 } } });
    const { result } = await flow(server.url, { preflight: 'never' });
    expect(result).toMatchObject({ ok: false, code: 'unreachable', step: 'claim' });
    expect(!result.ok && result.hint).toContain('The claim did not reach Central Command: the code is still unused.');
    expect(server.mock.store.codes.get(PENDING_CODE)?.status).toBe('pending');
  });

  it("after a 500 on claim, asks validate and says the code is still valid — naming today's long-clinic-name defect", async () => {
    const server = await backend({ realQuirks: true });
    const { result } = await flow(server.url, { code: LONG_NAME_CODE });
    expect(result).toMatchObject({ ok: false, code: 'server', step: 'claim' });
    expect(!result.ok && result.hint).toContain('did not use the code (it is still valid)');
    expect(!result.ok && result.hint).toContain('shorten the client name');
    expect(server.mock.store.codes.get(LONG_NAME_CODE)?.status).toBe('pending');
  });

  it('explains a network failure with the preflight report', async () => {
    const server = await backend();
    const url = server.url;
    await server.close();
    const { result, events } = await flow(url);
    expect(result).toMatchObject({ ok: false, code: 'unreachable', error: 'Failed to connect to server', step: 'claim' });
    expect(!result.ok && result.preflight?.failed?.stage).toBe('tcp');
    expect(events.some((e) => e.step === 'preflight' && e.status === 'failed')).toBe(true);
  });
});

describe('after the point of no return', () => {
  it('keeps the journal when the config cannot be written, and the next run finishes without a new claim', async () => {
    const server = await backend();
    const stateDir = join(await tempDir(), 'msp');
    const diskFull = () => Promise.reject(Object.assign(new Error('no space left on device'), { code: 'ENOSPC' }));
    const first = await flow(server.url, { stateDir, hooks: { onWritePhase: (file, phase) => (file === 'config' && phase === 'written' ? diskFull() : undefined) } });
    expect(first.result).toMatchObject({ ok: false, code: 'io', step: 'write-config', error: expect.stringContaining('the disk is full') as unknown });
    expect(!first.result.ok && first.result.hint).toContain('The answer is saved; run provisioning again to finish (no new code needed).');
    expect(first.events.some((e) => e.step === 'done')).toBe(false);
    expect((await readdir(stateDir)).sort()).toEqual(['claim-journal.json']);
    expect(server.mock.store.appliances.values().next().value).toMatchObject({ status: 'failed' });

    const second = await flow(server.url, { stateDir, code: undefined });
    expect(second.result).toMatchObject({ ok: true, data: { resumed: true } });
    expect(server.mock.store.appliances.size).toBe(1);
    expect((await configOf(second.configPath)).api_key).toBe(onlyKey(server));
  });

  it('keeps the claim journal, which holds the api_key, readable by its owner only (0600 in a 0700 directory)', async () => {
    const server = await backend();
    const stateDir = join(await tempDir(), 'msp');
    const stop = () => Promise.reject(Object.assign(new Error('I/O error'), { code: 'EIO' }));
    const { result } = await flow(server.url, { stateDir, hooks: { onWritePhase: (file, phase) => (file === 'config' && phase === 'created' ? stop() : undefined) } });
    expect(result).toMatchObject({ ok: false, step: 'write-config' });
    const journal = join(stateDir, 'claim-journal.json');
    expect(await readFile(journal, 'utf8')).toContain(onlyKey(server));
    expect((await stat(journal)).mode & 0o777).toBe(0o600);
    expect((await stat(stateDir)).mode & 0o777).toBe(0o700);
  });

  it('still writes the config when the journal cannot be saved, with a warning', async () => {
    const server = await backend();
    const broken = () => Promise.reject(Object.assign(new Error('I/O error'), { code: 'EIO' }));
    const { result, events } = await flow(server.url, { hooks: { onWritePhase: (file, phase) => (file === 'journal' && phase === 'created' ? broken() : undefined) } });
    expect(result.ok).toBe(true);
    expect(events).toContainEqual(expect.objectContaining({ step: 'journal', status: 'warning' }));
  });

  it('finishes the status and settings calls even when asked to stop after the config is written', async () => {
    const server = await backend();
    const controller = new AbortController();
    const { result } = await flow(server.url, { signal: controller.signal, hooks: { afterStep: (step) => { if (step === 'write-config') controller.abort(); } } });
    expect(result.ok).toBe(true);
    expect([...server.mock.store.appliances.values()][0]).toMatchObject({ status: 'active' });
  });
});

describe('the connection of a run', () => {
  it('is closed once the run is over, when the run opened it', async () => {
    const server = await backend();
    const sockets: Socket[] = [];
    server.server.on('connection', (socket: Socket) => sockets.push(socket));
    const { result } = await flow(server.url);
    expect(result.ok).toBe(true);
    expect(sockets).toHaveLength(1);
    // Far sooner than either side's keep-alive timeout (4-5 s) would end it.
    for (let waited = 0; waited < 2_000 && !(sockets[0]?.destroyed ?? false); waited += 10) await delay(10);
    expect(sockets[0]?.destroyed).toBe(true);
  });
});

describe('the client a caller lends (the kiosk keeps its connection warm)', () => {
  it('is used for its own endpoint and left open for the caller; never for another endpoint', async () => {
    const [lent, other] = [await backend(), await backend()];
    const created = HttpClient.create({ endpoint: new URL(lent.url), retry: FAST_RETRY });
    if (!created.ok) throw new Error(created.error);
    const client = created.data;
    try {
      // Another endpoint: the run makes its own client and talks to that endpoint only.
      const elsewhere = await flow(other.url, { client });
      expect(elsewhere.result.ok).toBe(true);
      expect([lent.mock.store.appliances.size, other.mock.store.appliances.size]).toEqual([0, 1]);
      // Its own endpoint: the run uses it, and the caller can go on using it afterwards.
      const own = await flow(lent.url, { client, code: SECOND_PENDING_CODE });
      expect(own.result.ok).toBe(true);
      expect(lent.mock.store.appliances.size).toBe(1);
      expect((await validateProvisionCode(UNBRANDED_CODE, { client })).ok).toBe(true);
    } finally {
      await client.close();
    }
  });
});
