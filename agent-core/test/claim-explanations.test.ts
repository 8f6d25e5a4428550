import { mkdir, rename, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { FAST_RETRY, useTempDir } from '../../test-support/backend.js';
import { CLAIM_PATH, claimBody, sendJson, useHostileServer, VALIDATE_PATH } from '../../test-support/hostile-server.js';
import { flowRunner } from '../../test-support/flow-run.js';

// What the technician is told after a claim that did not give a usable answer: each explanation rests
// on a question asked of Central Command afterwards, and on what the appliance could keep.
const hostile = useHostileServer();
const tempDir = useTempDir();
const flow = flowRunner(tempDir, { http: { retry: { ...FAST_RETRY, attempts: 1 }, timeoutMs: 3_000 }, preflight: 'never', lockWaitMs: 0 });

const HEARTBEAT_PATH = '/api/provision/heartbeat';

/** A claim answered 500, then validate naming the code's clinic `clientName`. */
const serverErrorFor = (clientName: string) => hostile((req, res) => {
  if (req.url === CLAIM_PATH) sendJson(res, 500, { detail: 'boom' });
  else sendJson(res, 200, { valid: true, partner: { brand_name: 'NEPA IT Solutions' }, client_name: clientName });
});

describe('after a 500 at the claim', () => {
  // site_id is the name (up to 40 characters) + 13, appliance_id that + 18: 19 characters just fit the backend's 50.
  it('does not blame a clinic name of 19 characters, which fits the backend’s appliance_id column', async () => {
    const { result } = await flow((await serverErrorFor('Nineteen Char Clinc')).url);
    expect(result).toMatchObject({ ok: false, step: 'claim', hint: 'Central Command had an error and did not use the code (it is still valid). Try again in a few minutes.' });
  });

  it('names a clinic name of 20 characters as the likely cause', async () => {
    const { result } = await flow((await serverErrorFor('Twenty Char Clinic A')).url);
    expect(!result.ok && result.hint).toBe('Central Command had an error and did not use the code (it is still valid). Central Command cannot yet register clinics with names as long as "Twenty Char Clinic A": ask the partner to shorten the client name, or to pre-assign a site, then try again.');
  });
});

describe('after a claim whose answer was lost', () => {
  it('keeps the network advice after saying it cannot tell whether the claim arrived', async () => {
    const server = await hostile((req, res) => {
      if (req.url === CLAIM_PATH) req.socket.destroy();
      else sendJson(res, 503, { detail: 'down' });
    });
    const { result } = await flow(server.url);
    expect(result).toMatchObject({ ok: false, code: 'unreachable', step: 'claim' });
    expect(!result.ok && result.hint).toMatch(/^Could not tell whether the claim reached Central Command\. Try again: if the code was used, the appliance will say so\. \S/);
  });
});

describe('after a claim refused as already claimed', () => {
  it('asks Central Command with a claim_check heartbeat carrying the code, and names the site this MAC holds', async () => {
    const beats: unknown[] = [];
    const server = await hostile((req, res, _hit, body) => {
      if (req.url === CLAIM_PATH) sendJson(res, 400, { detail: 'Provision code already claimed' });
      else if (req.url === HEARTBEAT_PATH) {
        beats.push(JSON.parse(body));
        sendJson(res, 200, { status: 'known', appliance_id: 'site-x-84:3A:5B:91:B6:61', site_id: 'site-x' });
      } else sendJson(res, 404, { detail: 'Not Found' });
    });
    const { result } = await flow(server.url);
    expect(result).toMatchObject({ ok: false, code: 'claimed', hint: expect.stringContaining('already claimed this code for site site-x') as unknown });
    expect(beats).toEqual([expect.objectContaining({ status: 'claim_check', provision_code: 'ABCD1234EFGH5678', mac_address: '84:3A:5B:91:B6:61' })]);
  });
});

describe('an answer that cannot make a config, when it cannot be kept either', () => {
  it('says the answer could not be saved instead of naming a file that is not there', async () => {
    const server = await hostile((req, res) => {
      if (req.url === CLAIM_PATH) sendJson(res, 200, claimBody({ api_key: null }));
      else if (req.url === VALIDATE_PATH) sendJson(res, 200, { valid: true, partner: {} });
      else sendJson(res, 404, { detail: 'Not Found' });
    });
    const stateDir = `${await tempDir()}/msp`;
    // The state directory goes away while the claim is out (a disk unplugged, say): a file now stands in its place.
    const vanish = async (step: string) => {
      if (step !== 'validate') return;
      await rename(stateDir, `${stateDir}.gone`);
      await writeFile(stateDir, 'not a directory');
    };
    await mkdir(stateDir, { recursive: true, mode: 0o700 });
    const { result } = await flow(server.url, { stateDir, hooks: { afterStep: vanish } });
    expect(result).toMatchObject({ ok: false, step: 'claim', retryable: false, hint: 'The code is probably used now. The answer could not be saved: contact support with it.' });
  });
});

describe('after a claim that timed out', () => {
  it('ends the explanation where it ends when the failure carries no advice of its own', async () => {
    // Neither the claim nor the question after it is ever answered.
    const server = await hostile(() => undefined);
    const { result } = await flow(server.url, { http: { retry: { ...FAST_RETRY, attempts: 1 }, timeoutMs: 300 } });
    expect(result).toMatchObject({ ok: false, code: 'timeout', step: 'claim' });
    expect(!result.ok && result.hint).toBe('Could not tell whether the claim reached Central Command. Try again: if the code was used, the appliance will say so.');
  });
});

describe('after a claim that timed out while the code stayed unused', () => {
  it('says the claim did not arrive, and to check the network', async () => {
    const server = await hostile((req, res) => {
      if (req.url === VALIDATE_PATH) sendJson(res, 200, { valid: true, partner: { brand_name: 'NEPA IT Solutions' } });
    });
    const { result } = await flow(server.url, { http: { retry: { ...FAST_RETRY, attempts: 1 }, timeoutMs: 300 } });
    expect(result).toMatchObject({ ok: false, code: 'timeout', step: 'claim', hint: 'The claim did not reach Central Command: the code is still unused. Check the network and try again.' });
  });
});
