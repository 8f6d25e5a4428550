import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CLAIMED_CODE, EXPIRED_CODE, FAST_RETRY, PENDING_CODE, REVOKED_CODE, UNBRANDED_CODE, useBackend, useTempDir,
} from '../../test-support/backend.js';
import { claimBody, sendJson, useHostileServer, VALIDATE_PATH } from '../../test-support/hostile-server.js';
import { flowRunner } from '../../test-support/flow-run.js';

// Every way the code path can stop before the point of no return, and what it leaves behind.
const backend = useBackend();
const hostile = useHostileServer();
const tempDir = useTempDir();

const flow = flowRunner(tempDir, { http: { retry: { ...FAST_RETRY, attempts: 1 }, timeoutMs: 3_000 }, preflight: 'never', lockWaitMs: 0 });

const nothingOnDisk = async (stateDir: string) => (await readdir(stateDir).catch(() => [] as string[])).filter((n) => n !== 'provision.lock');

describe('before anything is touched', () => {
  it('stops a mistyped code before the state directory, the lock or the network', async () => {
    const server = await backend();
    const { result, stateDir, events } = await flow(server.url, { code: 'ABCD1234ABCD567' });
    expect(result).toMatchObject({ ok: false, code: 'format', step: 'validate' });
    await expect(stat(stateDir)).rejects.toThrow();
    expect(events.map((e) => e.step)).toEqual(['validate']);
  });

  it('stops at a state directory it cannot use, before the lock or the network', async () => {
    const server = await hostile((_req, res) => { sendJson(res, 200, claimBody()); });
    const notADir = join(await tempDir(), 'msp');
    await writeFile(notADir, 'a file where the state directory should be');
    const { result } = await flow(server.url, { stateDir: notADir });
    expect(result).toMatchObject({ ok: false, code: 'io', step: 'prepare' });
    expect(!result.ok && result.error).toContain(notADir);
    expect(server.hits.size).toBe(0);
    expect(await readFile(notADir, 'utf8')).toBe('a file where the state directory should be');
  });

  it('refuses an endpoint that breaks the rule, and releases the lock for the next run', async () => {
    const { result, stateDir } = await flow('http://203.0.113.7');
    expect(result).toMatchObject({ ok: false, code: 'usage', step: 'prepare', error: 'Refusing plain http to 203.0.113.7: the API endpoint must use https' });
    const server = await backend();
    expect((await flow(server.url, { stateDir })).result.ok).toBe(true);
  });
});

describe('asking about the code first (validate)', () => {
  it('says whose code it is and goes on to claim it', async () => {
    const server = await backend();
    const { result, events } = await flow(server.url, { validate: true });
    expect(result.ok).toBe(true);
    expect(events).toContainEqual(expect.objectContaining({ step: 'validate', status: 'running', message: 'Checking code ABCD…5678' }));
    expect(events).toContainEqual(expect.objectContaining({ step: 'validate', status: 'done', message: 'Code ABCD…5678 belongs to NEPA IT Solutions' }));
  });

  it('names "a partner" when the partner has no brand name', async () => {
    const server = await backend();
    const { events } = await flow(server.url, { validate: true, code: UNBRANDED_CODE });
    expect(events).toContainEqual(expect.objectContaining({ step: 'validate', status: 'done', message: 'Code B1A2…0718 belongs to a partner' }));
  });

  it.each([
    [EXPIRED_CODE, 'expired'],
    [REVOKED_CODE, 'revoked'],
  ])('stops at validate for a %s code without claiming', async (code, failure) => {
    const server = await backend();
    const { result, stateDir, events } = await flow(server.url, { validate: true, code });
    expect(result).toMatchObject({ ok: false, code: failure, step: 'validate' });
    expect(events.some((e) => e.step === 'claim' && e.status === 'running')).toBe(false);
    expect(server.mock.store.appliances.size).toBe(0);
    expect(await nothingOnDisk(stateDir)).toEqual([]);
  });

  it('says a code claimed by another appliance is spent, at validate', async () => {
    const server = await backend();
    const { result } = await flow(server.url, { validate: true, code: CLAIMED_CODE });
    expect(result).toMatchObject({ ok: false, code: 'claimed', step: 'validate', hint: 'Another appliance already used this code. Ask the partner for a new code.' });
  });

  it('explains a network failure at validate with the preflight, unless told never to', async () => {
    const server = await backend();
    const url = server.url;
    await server.close();
    const explained = await flow(url, { validate: true, preflight: 'on-failure' });
    expect(explained.result).toMatchObject({ ok: false, code: 'unreachable', step: 'validate', preflight: { ok: false } });
    expect(explained.events).toContainEqual(expect.objectContaining({ step: 'preflight', status: 'failed' }));
    const bare = await flow(url, { validate: true, preflight: 'never' });
    expect(bare.result).toMatchObject({ ok: false, code: 'unreachable', step: 'validate' });
    expect(bare.result).not.toHaveProperty('preflight');
    expect(bare.events.some((e) => e.step === 'preflight' && e.status === 'running')).toBe(false);
  });
});

describe('a claim that fails, each kind', () => {
  it.each([
    [EXPIRED_CODE, 'expired', 'Provision code expired'],
    [REVOKED_CODE, 'revoked', 'Provision code revoked'],
  ])('stops at the claim of a %s code, keeping nothing', async (code, failure, error) => {
    const server = await backend();
    const { result, stateDir } = await flow(server.url, { code });
    expect(result).toMatchObject({ ok: false, code: failure, step: 'claim', error });
    expect(await nothingOnDisk(stateDir)).toEqual([]);
  });

  it('says so when the claim reached Central Command but the code went to another appliance meanwhile', async () => {
    // The claim's connection drops; validate then says "claimed", and the heartbeat does not know this MAC.
    const server = await hostile((req, res) => {
      if (req.url === '/api/provision/claim') req.socket.destroy();
      else if (req.url === VALIDATE_PATH) sendJson(res, 400, { detail: 'Provision code already claimed' });
      else sendJson(res, 200, { status: 'unknown' });
    });
    const { result } = await flow(server.url);
    expect(result).toMatchObject({ ok: false, code: 'unreachable', step: 'claim', retryable: false, hint: 'The code has been used, but not by this appliance. Ask the partner for a new code.' });
  });

  it('says it cannot tell whether a claim whose connection dropped reached Central Command when validate fails too', async () => {
    const server = await hostile((req, res) => {
      if (req.url === '/api/provision/claim') req.socket.destroy();
      else sendJson(res, 503, { detail: 'down' });
    });
    const { result } = await flow(server.url);
    expect(result).toMatchObject({ ok: false, code: 'unreachable', step: 'claim' });
    expect(!result.ok && result.hint).toMatch(/^Could not tell whether the claim reached Central Command\. Try again: if the code was used, the appliance will say so\./);
  });

  it('keeps the server error as it is when validate cannot say whether the code is still valid after a 500', async () => {
    const server = await hostile((req, res) => {
      if (req.url === '/api/provision/claim') sendJson(res, 500, { detail: 'boom' });
      else sendJson(res, 503, { detail: 'down' });
    });
    const { result } = await flow(server.url);
    expect(result).toMatchObject({ ok: false, code: 'server', step: 'claim', error: 'Server error (HTTP 500)', hint: 'Central Command is having trouble; try again in a few minutes.' });
  });

  it('after a 500 with a short clinic name, says the code is still valid and to try again later', async () => {
    const server = await hostile((req, res) => {
      if (req.url === '/api/provision/claim') sendJson(res, 500, { detail: 'boom' });
      else sendJson(res, 200, { valid: true, partner: { brand_name: 'NEPA IT Solutions' }, client_name: 'Clinic ABC' });
    });
    const { result } = await flow(server.url);
    expect(result).toMatchObject({ hint: 'Central Command had an error and did not use the code (it is still valid). Try again in a few minutes.' });
  });

  it('names its own lost answer at the claim of an already claimed code (this MAC holds the site)', async () => {
    const server = await backend({ faults: { claim: { lose_answer_rate: 1 } } });
    await flow(server.url);
    const { result } = await flow(server.url);
    const site = [...server.mock.store.appliances.values()][0]?.site_id ?? '';
    expect(result).toMatchObject({ ok: false, code: 'claimed', step: 'claim' });
    expect(!result.ok && result.hint).toBe(`This appliance itself already claimed this code for site ${site}, but its answer was lost before it was saved. Ask the partner to issue a new code for this appliance.`);
  });
});

describe('the network gate and the cancel signal', () => {
  it('stops at a refused connection before claiming, with the stage\'s own words', async () => {
    const server = await backend();
    const url = server.url;
    await server.close();
    const port = new URL(url).port;
    const { result, events } = await flow(url, { preflight: 'always' });
    expect(result).toMatchObject({
      ok: false, code: 'unreachable', step: 'preflight', retryable: true,
      error: `127.0.0.1 port ${port} refused the connection`,
      hint: 'The backend is down, or a firewall is actively rejecting outbound HTTPS.',
      preflight: { ok: false, failed: { stage: 'tcp' } },
    });
    expect(events).toContainEqual(expect.objectContaining({ step: 'preflight', status: 'running', message: 'Checking the network (DNS, TCP, TLS, HTTP)' }));
  });

  it('says the network looks fine now when a claim was lost but the gate passes afterwards, keeping the claim\'s own hint', async () => {
    const server = await hostile((req, res) => {
      if (req.url === '/api/provision/claim') req.socket.destroy();
      else if (req.url === VALIDATE_PATH) sendJson(res, 200, { valid: true, partner: { brand_name: 'P' } });
      else sendJson(res, 200, { status: 'ok' });
    });
    const { result, events } = await flow(server.url, { preflight: 'on-failure' });
    expect(result).toMatchObject({ ok: false, code: 'unreachable', step: 'claim', preflight: { ok: true } });
    expect(!result.ok && result.hint).toBe('The claim did not reach Central Command: the code is still unused. The connection to 127.0.0.1 failed (UND_ERR_SOCKET).');
    expect(events).toContainEqual(expect.objectContaining({ step: 'preflight', status: 'running', message: 'Checking the network to find out why' }));
    expect(events).toContainEqual(expect.objectContaining({ step: 'preflight', status: 'done', message: 'The network looks fine now' }));
  });

  it('puts the failed stage\'s hint on a network failure the gate explains', async () => {
    const server = await backend();
    const url = server.url;
    await server.close();
    const { result } = await flow(url, { preflight: 'on-failure' });
    expect(result).toMatchObject({ ok: false, step: 'claim', hint: 'The backend is down, or a firewall is actively rejecting outbound HTTPS.' });
  });

  it('names a TLS failure at the network gate as one, with its stage\'s hint', async () => {
    const plain = await backend();
    const { result } = await flow(`https://127.0.0.1:${new URL(plain.url).port}`, { preflight: 'always' });
    expect(result).toMatchObject({ ok: false, code: 'tls', step: 'preflight', retryable: true, preflight: { ok: false, failed: { stage: 'tls' } } });
    expect(!result.ok && result.hint).toBe(!result.ok && result.preflight?.failed?.hint);
    expect(!result.ok && result.hint).toMatch(/\S/);
    expect(plain.mock.store.appliances.size).toBe(0);
  });

  it('stops before the claim when cancelled after the code was checked, and never claims', async () => {
    const server = await hostile((_req, res) => { sendJson(res, 200, claimBody()); });
    const controller = new AbortController();
    const hooks = { afterStep: (step: string) => { if (step === 'validate') controller.abort(); return undefined; } };
    const { result, stateDir } = await flow(server.url, { signal: controller.signal, hooks });
    expect(result).toEqual({ ok: false, code: 'cancelled', step: 'claim', error: 'Provisioning cancelled', retryable: false });
    expect(server.hits.get('/api/provision/claim')).toBeUndefined();
    expect(await nothingOnDisk(stateDir)).toEqual([]);
  });

  it('asks nothing more after a claim refused outright (neither the network gate nor the code\'s fate)', async () => {
    const server = await hostile((_req, res) => { sendJson(res, 403, { detail: 'Appliance not allowed' }); });
    const { result } = await flow(server.url, { preflight: 'on-failure' });
    expect(result).toMatchObject({ ok: false, code: 'server', step: 'claim', retryable: false, error: 'Server rejected the request (HTTP 403): Appliance not allowed' });
    expect([...server.hits.keys()]).toEqual(['/api/provision/claim']);
  });

  it('cancels a validation in flight, and never claims', async () => {
    let seen = 0;
    const server = await hostile((req) => { if (req.url === VALIDATE_PATH) seen += 1; });
    const controller = new AbortController();
    setTimeout(() => { controller.abort(); }, 200);
    const { result } = await flow(server.url, { validate: true, signal: controller.signal, http: { timeoutMs: 10_000 } });
    expect(result).toMatchObject({ ok: false, code: 'cancelled', step: 'validate' });
    expect(seen).toBe(1);
    expect(server.hits.get('/api/provision/claim')).toBeUndefined();
  });
});

describe('the lock', () => {
  it('tells a second run who holds the state directory, at once when asked not to wait', async () => {
    const server = await hostile(() => undefined);
    const stateDir = join(await tempDir(), 'msp');
    const holder = flow(server.url, { stateDir, purpose: 'the kiosk', http: { timeoutMs: 600 } });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const started = Date.now();
    const second = await flow(server.url, { stateDir, lockWaitMs: 0 });
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(second.result).toMatchObject({ ok: false, code: 'locked', step: 'prepare' });
    expect(!second.result.ok && second.result.error).toContain('the kiosk');
    await holder;
  });

  it('names a code claim or a finishing run as the holder when no purpose is given', async () => {
    // Every answer comes late, so that the first run still holds the lock when the second one asks.
    const server = await hostile((_req, res) => { setTimeout(() => { sendJson(res, 503, { detail: 'slow' }); }, 400); });
    for (const [code, purpose] of [[PENDING_CODE, 'a code claim'], [undefined, 'finishing a claim']] as const) {
      const stateDir = join(await tempDir(), 'msp');
      const { mkdir, writeFile } = await import('node:fs/promises');
      if (code === undefined) {
        // Something to finish, so that the holder gets as far as the network.
        await mkdir(stateDir, { recursive: true, mode: 0o700 });
        await writeFile(join(stateDir, 'claim-journal.json'), JSON.stringify({ version: 2, source: 'claim', created_at: 'then', api_endpoint: server.url, mac_address: '84:3A:5B:91:B6:61', hostname: 'h', site: { site_id: 's', appliance_id: 'a', api_key: 'k', partner: {} } }));
      }
      const holder = flow(server.url, { stateDir, code });
      await new Promise((resolve) => setTimeout(resolve, 200));
      const second = await flow(server.url, { stateDir, lockWaitMs: 0 });
      expect(!second.result.ok && second.result.error).toContain(purpose);
      await holder;
    }
  });
});

describe('an answer that cannot make a config', () => {
  it('is kept under a name with the time it came, 0600, and the hint says where', async () => {
    const server = await hostile((req, res) => {
      if (req.url === '/api/provision/claim') sendJson(res, 200, claimBody({ api_key: null }));
      else sendJson(res, 404, { detail: 'Not Found' });
    });
    const { result, stateDir } = await flow(server.url);
    const kept = (await readdir(stateDir)).filter((n) => n.startsWith('claim-answer-'));
    expect(kept).toHaveLength(1);
    expect(kept[0]).toMatch(/^claim-answer-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z\.json$/);
    expect((await stat(join(stateDir, kept[0] ?? ''))).mode & 0o777).toBe(0o600);
    expect(!result.ok && result.hint).toBe(`The code is probably used now. The answer is kept in ${join(stateDir, kept[0] ?? '')}: contact support with it.`);
  });
});
