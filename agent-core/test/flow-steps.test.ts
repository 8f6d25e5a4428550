import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { FAST_RETRY, useBackend, useTempDir } from '../../test-support/backend.js';
import { sendJson, useHostileServer } from '../../test-support/hostile-server.js';
import { commitLines, flowRunner, powerCutAfter, progressLines } from '../../test-support/flow-run.js';

// What a run tells the technician, step by step (what the files on disk make it decide: flow-disk.test.ts).
const backend = useBackend();
const hostile = useHostileServer();
const tempDir = useTempDir();

const flow = flowRunner(tempDir);

const CLAIM_ANSWER = { status: 'claimed', site_id: 'site-a', appliance_id: 'site-a-84:3A:5B:91:B6:61', partner: { slug: 'p', brand_name: 'P', primary_color: '#123456' }, api_endpoint: null, api_key: 'k'.repeat(43) };
const interruptAfterJournal = powerCutAfter('journal');

describe('what a run says, step by step', () => {
  it('tells each step of a claim in order, with its percentage and message', async () => {
    const server = await backend();
    const { result, events, configPath } = await flow(server.url);
    const site = result.ok ? result.data.site_id : '';
    expect(progressLines(events)).toEqual([
      ['identity', 'running', 0, 'Reading appliance identity'],
      ['identity', 'done', 5, 'MAC 84:3A:5B:91:B6:61, hostname osiriscare-appliance'],
      ['prepare', 'running', 5, 'Checking the state directory'],
      ['prepare', 'done', 8, 'State directory ready'],
      ['preflight', 'skipped', 10, 'Network check runs only if something fails'],
      ['validate', 'skipped', 20, 'The claim checks the code'],
      ['claim', 'running', 20, 'Claiming code ABCD…5678'],
      ['claim', 'done', 40, `Claimed for site ${site}`],
      ...commitLines(configPath, site),
    ]);
    const appliance = [...server.mock.store.appliances.values()][0];
    expect(appliance).toMatchObject({ status: 'active', progress_percent: 100, status_message: 'Provisioning complete' });
    expect(result).toMatchObject({ ok: true, data: { source: 'claim', resumed: false, warnings: [], clinic_name: 'Clinic ABC', api_endpoint: server.url } });
    expect(result.ok && result.data).not.toHaveProperty('backup_path');
  });

  it('tells a run finishing an interrupted claim what it finishes, and asks nothing again', async () => {
    const server = await backend();
    const stateDir = join(await tempDir(), 'msp');
    await expect(flow(server.url, { stateDir, hooks: interruptAfterJournal })).rejects.toThrow('power cut');
    const { result, events } = await flow(server.url, { stateDir, code: undefined });
    const site = result.ok ? result.data.site_id : '';
    const journalled = events.find((e) => e.step === 'journal')?.message ?? '';
    expect(progressLines(events).slice(2, 7)).toEqual([
      ['prepare', 'running', 5, 'Checking the state directory'],
      ['prepare', 'done', 8, `Found the saved answer for site ${site}`],
      ['claim', 'skipped', 40, 'Finishing the claim made earlier (ABCD…5678)'],
      ['journal', 'skipped', 50, journalled],
      ['write-config', 'running', 50, 'Writing configuration'],
    ]);
    expect(journalled).toMatch(/^Finishing the answer saved at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(result).toMatchObject({ ok: true, data: { resumed: true } });
  });

  it('tells the dashboard why the config could not be written, and keeps the hint it had', async () => {
    const server = await backend();
    const { result } = await flow(server.url, {
      hooks: { onWritePhase: (file, phase) => (file === 'config' && phase === 'written' ? Promise.reject(Object.assign(new Error('no space'), { code: 'ENOSPC' })) : undefined) },
    });
    expect(!result.ok && result.hint).toBe('Free space on the appliance disk, then try again; nothing was changed. The answer is saved; run provisioning again to finish (no new code needed).');
    const appliance = [...server.mock.store.appliances.values()][0];
    expect(appliance).toMatchObject({ status: 'failed', progress_percent: 65, status_message: expect.stringContaining('the disk is full') as unknown });
  });

  it('says the site could not be saved at all when neither the journal nor the config could be written', async () => {
    const server = await backend();
    const eio = () => Promise.reject(Object.assign(new Error('I/O error'), { code: 'EIO' }));
    const { result, events } = await flow(server.url, { hooks: { onWritePhase: (_file, phase) => (phase === 'created' ? eio() : undefined) } });
    const site = [...server.mock.store.appliances.values()][0]?.site_id ?? '';
    expect(result).toMatchObject({ ok: false, step: 'write-config', code: 'io' });
    expect(!result.ok && result.hint).toBe(`The site was assigned but could not be saved: contact support with site ${site}.`);
    expect(events).toContainEqual(expect.objectContaining({ step: 'journal', status: 'warning', message: expect.stringMatching(/^Could not save the answer: Cannot write .*claim-journal\.json: I\/O error$/) as unknown }));
  });
});

describe('the calls after the config is written', () => {
  it('warns, keeping the claimed site, when Central Command names another site, and applies its settings', async () => {
    const server = await hostile((req, res) => {
      if (req.url === '/api/provision/claim') sendJson(res, 200, CLAIM_ANSWER);
      else if (req.url?.startsWith('/api/provision/config/') === true) sendJson(res, 200, { site_id: 'someone-else', appliance_id: CLAIM_ANSWER.appliance_id, clinic_name: 'Clinic \u202EABC', config: { log_level: 'DEBUG' } });
      else sendJson(res, 200, { status: 'ok', appliance_id: CLAIM_ANSWER.appliance_id, new_status: 'active' });
    });
    const { result, configPath, events } = await flow(server.url);
    expect(result.ok && result.data.warnings).toEqual(['Central Command names a different site for this appliance; the claimed one is kept']);
    expect(result.ok && result.data.clinic_name).toBe('Clinic ABC');
    const config = parse(await readFile(configPath, 'utf8'), { version: '1.1' }) as Record<string, unknown>;
    expect(config).toMatchObject({ site_id: 'site-a', log_level: 'DEBUG', api_key: CLAIM_ANSWER.api_key });
    expect(events.filter((e) => e.step === 'fetch-config').map((e) => e.status)).toEqual(['running', 'warning', 'done']);
  });

  it('tells the dashboard "configuring" (75 %) once the config is written and "active" (100 %) at the end, with the site\'s key', async () => {
    const reports: unknown[] = [];
    const server = await hostile((req, res, _hit, body) => {
      if (req.url === '/api/provision/claim') sendJson(res, 200, CLAIM_ANSWER);
      else if (req.url !== '/api/provision/status') sendJson(res, 404, { detail: 'Not Found' });
      else {
        reports.push({ auth: req.headers.authorization, ...(JSON.parse(body) as object) });
        sendJson(res, 200, { status: 'ok', appliance_id: CLAIM_ANSWER.appliance_id, new_status: 'x' });
      }
    });
    expect((await flow(server.url)).result.ok).toBe(true);
    const auth = `Bearer ${CLAIM_ANSWER.api_key}`;
    expect(reports).toEqual([
      { auth, appliance_id: CLAIM_ANSWER.appliance_id, status: 'configuring', progress_percent: 75, message: 'Configuration written' },
      { auth, appliance_id: CLAIM_ANSWER.appliance_id, status: 'active', progress_percent: 100, message: 'Provisioning complete' },
    ]);
  });

  it("rewrites the config for the server's settings (no backup of its own config), keeping the claim's own", async () => {
    const server = await hostile((req, res) => {
      if (req.url === '/api/provision/claim') sendJson(res, 200, { ...CLAIM_ANSWER, config: { healing_enabled: false } });
      else if (req.url?.startsWith('/api/provision/config/') === true) sendJson(res, 200, { site_id: 'site-a', appliance_id: CLAIM_ANSWER.appliance_id, clinic_name: 'Clinic', config: { log_level: 'DEBUG' } });
      else sendJson(res, 200, { status: 'ok', appliance_id: CLAIM_ANSWER.appliance_id, new_status: 'x' });
    });
    const writes: string[] = [];
    const { result, configPath, stateDir } = await flow(server.url, { hooks: { onWritePhase: (file, phase) => { if (phase === 'renamed') writes.push(file); } } });
    expect(result.ok && result.data.warnings).toEqual([]);
    expect(writes).toEqual(['journal', 'config', 'config']);
    expect(parse(await readFile(configPath, 'utf8'), { version: '1.1' })).toMatchObject({ healing_enabled: false, log_level: 'DEBUG' });
    expect((await readdir(stateDir)).filter((n) => n.includes('.bak-'))).toEqual([]);
  });

  it("warns, keeping the config as claimed, when the server's settings cannot be written", async () => {
    const server = await hostile((req, res) => {
      if (req.url === '/api/provision/claim') sendJson(res, 200, CLAIM_ANSWER);
      else if (req.url?.startsWith('/api/provision/config/') === true) sendJson(res, 200, { site_id: 'site-a', appliance_id: CLAIM_ANSWER.appliance_id, clinic_name: 'Clinic', config: { log_level: 'DEBUG' } });
      else sendJson(res, 200, { status: 'ok', appliance_id: CLAIM_ANSWER.appliance_id, new_status: 'x' });
    });
    let configWrites = 0;
    const onWritePhase = (file: string, phase: string) => {
      if (file === 'config' && phase === 'created' && (configWrites += 1) === 2) return Promise.reject(Object.assign(new Error('I/O error'), { code: 'EIO' }));
      return undefined;
    };
    const { result, configPath, events } = await flow(server.url, { hooks: { onWritePhase } });
    expect(result.ok && result.data.warnings).toEqual([expect.stringMatching(/^Could not apply appliance settings: Cannot write .*config\.yaml: I\/O error$/)]);
    expect(events.filter((e) => e.step === 'fetch-config').map((e) => e.status)).toEqual(['running', 'warning']);
    expect(parse(await readFile(configPath, 'utf8'), { version: '1.1' })).toMatchObject({ site_id: 'site-a', log_level: 'INFO' });
  });

  it('leaves the config as it is when the settings change nothing', async () => {
    const server = await backend();
    const writes: string[] = [];
    const { result } = await flow(server.url, { hooks: { onWritePhase: (file, phase) => { if (phase === 'renamed') writes.push(file); } } });
    expect(result.ok).toBe(true);
    expect(writes).toEqual(['journal', 'config']);
  });

  it('words each failed finishing call as a warning', async () => {
    const server = await hostile((req, res) => {
      if (req.url === '/api/provision/claim') {
        sendJson(res, 200, CLAIM_ANSWER);
      } else sendJson(res, 503, { detail: 'down' });
    });
    const { result } = await flow(server.url, { http: { retry: { ...FAST_RETRY, attempts: 1 } } });
    expect(result.ok && result.data.warnings).toEqual([
      'Could not report status: Server error (HTTP 503)',
      'Could not fetch appliance settings: Server error (HTTP 503); defaults kept',
      'Could not report completion: Server error (HTTP 503)',
    ]);
    expect(result.ok && result.data).not.toHaveProperty('clinic_name');
  });
});
