import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runDropshipFlow } from '../src/flow/dropship.js';
import { acquireLock } from '../src/state/lock.js';
import { signerFromSeed } from '../../mock-server/src/signing.js';
import { assignMac } from '../../mock-server/src/store/index.js';
import { useBackend, useTempDir } from '../../test-support/backend.js';
import { DROPSHIP_MAC as MAC, dropshipHarness } from '../../test-support/dropship-run.js';
import { configOf, powerCutAfter } from '../../test-support/flow-run.js';
import { sendJson, useHostileServer } from '../../test-support/hostile-server.js';

// What a drop-ship run does with a signed answer that is not enough to write a config, and what it
// tells the others sharing the state directory while it polls.
const backend = useBackend();
const hostile = useHostileServer();
const tempDir = useTempDir();
const { keyFile, setup } = dropshipHarness(backend, tempDir);

const SIGNER = signerFromSeed('5a'.repeat(32));
const POLL_PATH = `/api/provision/${encodeURIComponent(MAC)}`;
const SITE = { site_id: 'ds-site', appliance_id: `ds-site-${MAC}`, api_key: 'd'.repeat(43) };

/** A Central Command that answers the poll with `config`, correctly signed, and accepts the finishing calls. */
async function signedAnswer(config: Record<string, unknown>) {
  const requests: string[] = [];
  const server = await hostile((req, res) => {
    requests.push(`${req.method ?? ''} ${req.url ?? ''}`);
    if (req.url === POLL_PATH) sendJson(res, 200, { config, signature: SIGNER.sign(config) });
    else if (req.url?.startsWith('/api/provision/config/') === true) sendJson(res, 200, { site_id: SITE.site_id, appliance_id: SITE.appliance_id, clinic_name: null, config: {} });
    else sendJson(res, 200, { status: 'updated', appliance_id: SITE.appliance_id, new_status: 'active' });
  });
  const { base, stateDir, events } = await setup({ assign: false });
  return { requests, stateDir, events, options: { ...base, apiEndpoint: server.url, serverKeyPath: await keyFile(SIGNER.publicKeyHex) } };
}

describe('a signed drop-ship answer that lacks what a config needs', () => {
  it.each([
    ['site_id', { appliance_id: SITE.appliance_id, api_key: SITE.api_key }],
    ['appliance_id', { site_id: SITE.site_id, api_key: SITE.api_key }],
    ['api_key', { site_id: SITE.site_id, appliance_id: SITE.appliance_id }],
  ])('fails at verify when the config has no %s, and writes nothing', async (missing, config) => {
    const { options, stateDir, requests } = await signedAnswer(config);
    const result = await runDropshipFlow(options);
    expect(result).toEqual({ ok: false, code: 'bad-response', retryable: false, step: 'verify', error: `The signed drop-ship config lacks ${missing}` });
    expect(await readdir(stateDir)).toEqual([]);
    // The minted answer is asked for once, and nothing is reported for a site the appliance does not have.
    expect(requests).toEqual([`GET ${POLL_PATH}`]);
  });

  it('names every essential that is missing or unusable, and says so as the verify step failing', async () => {
    const { options, events } = await signedAnswer({ site_id: '', appliance_id: SITE.appliance_id });
    const result = await runDropshipFlow(options);
    expect(result).toMatchObject({ ok: false, step: 'verify', error: 'The signed drop-ship config lacks site_id, api_key' });
    expect(events.at(-1)).toMatchObject({ step: 'verify', status: 'failed', message: 'The signed drop-ship config lacks site_id, api_key' });
  });

  it('leaves the state directory to the next run after refusing the answer', async () => {
    const { options, stateDir } = await signedAnswer({ site_id: SITE.site_id });
    expect((await runDropshipFlow(options)).ok).toBe(false);
    const next = await acquireLock(join(stateDir, 'provision.lock'), 'a code claim', { waitMs: 0 });
    expect(next.ok).toBe(true);
    if (next.ok) await next.data.release();
  });
});

describe('a signed drop-ship answer with something to ignore', () => {
  it('warns, at verify, about an agent endpoint that breaks the endpoint rule, and keeps the provisioning endpoint', async () => {
    const { options, events, stateDir } = await signedAnswer({ ...SITE, api_endpoint: 'http://central.example.net' });
    const result = await runDropshipFlow(options);
    const warning = 'Server answer: ignored the API endpoint named by the server (it does not pass the endpoint rule); the agent keeps the provisioning endpoint';
    expect(result).toMatchObject({ ok: true, data: { site_id: 'ds-site', warnings: [warning] } });
    expect(events.filter((e) => e.status === 'warning')).toEqual([{ step: 'verify', status: 'warning', percent: 30, message: warning }]);
    expect((await configOf(join(stateDir, 'config.yaml'))).api_endpoint).toBe(options.apiEndpoint);
  });
});

describe('a drop-ship run among the others sharing the state directory', () => {
  it('tells a run that finds the lock taken that the drop-ship poller holds it', async () => {
    const { base, stateDir } = await setup({ assign: false });
    let told = '';
    const server = await hostile((_req, res) => {
      void acquireLock(join(stateDir, 'provision.lock'), 'a code claim', { waitMs: 0 }).then((lock) => {
        told = lock.ok ? 'the lock was free' : lock.error;
        sendJson(res, 200, { status: 'unclaimed', mac_address: MAC, retry_seconds: 60 });
      });
    });
    const controller = new AbortController();
    await runDropshipFlow({ ...base, apiEndpoint: server.url, signal: controller.signal, sleep: () => { controller.abort(); return Promise.resolve(); } });
    expect(told).toBe('Provisioning is already running (the drop-ship poller in this process)');
  });

  it('finishes its journalled answer with Central Command told, on the run’s own connection', async () => {
    const { server, base, stateDir } = await setup({ assign: false });
    assignMac(server.mock.store, MAC, { site_id: 'ds-site' });
    await expect(runDropshipFlow({ ...base, hooks: powerCutAfter('journal') })).rejects.toThrow('power cut');
    expect([...server.mock.store.appliances.values()].map((a) => a.status)).toEqual(['pending']);
    const result = await runDropshipFlow(base);
    expect(result).toMatchObject({ ok: true, data: { resumed: true, warnings: [] } });
    expect([...server.mock.store.appliances.values()].map((a) => a.status)).toEqual(['active']);
    expect(JSON.parse(await readFile(join(stateDir, '.first-provision-success'), 'utf8'))).toMatchObject({ site_id: 'ds-site', source: 'dropship' });
  });

  it('keeps nothing of an answer cut off right after it arrived, and the next run asks again', async () => {
    const { server, base, stateDir } = await setup();
    await expect(runDropshipFlow({ ...base, hooks: powerCutAfter('assignment') })).rejects.toThrow('power cut');
    expect(await readdir(stateDir)).toEqual([]);
    expect(await runDropshipFlow(base)).toMatchObject({ ok: true, data: { resumed: false } });
    expect(server.mock.store.dropship.get(MAC)?.polls).toBe(2);
  });
});
