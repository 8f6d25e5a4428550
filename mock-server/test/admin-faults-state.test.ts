import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { startServer } from '../src/server.js';
import { PENDING_CODE, useBackend, useTempDir } from '../../test-support/backend.js';
import { MOCK_CLI } from '../../test-support/cli.js';

const backend = useBackend();
const tempDir = useTempDir();
const MAC = '84:3A:5B:91:B6:61';
const TOKEN = 'lab-token-0123456789';

const call = async (url: string, init: RequestInit = {}) => {
  const response = await fetch(url, { ...init, headers: { 'content-type': 'application/json', ...(init.headers as Record<string, string> | undefined) } });
  const text = await response.text();
  return { status: response.status, text, json: () => JSON.parse(text) as Record<string, unknown> };
};
const auth = { authorization: `Bearer ${TOKEN}` };

describe('admin API', () => {
  it('does not exist unless a token is configured', async () => {
    const server = await backend();
    expect((await call(`${server.url}/api/admin/appliances`, { headers: auth })).status).toBe(404);
  });

  it('requires the bearer token', async () => {
    const server = await backend({ adminToken: TOKEN });
    expect((await call(`${server.url}/api/admin/appliances`)).status).toBe(401);
    expect((await call(`${server.url}/api/admin/appliances`, { headers: { authorization: 'Bearer wrong-token-000000000' } })).status).toBe(401);
  });

  it('mints a claimable code and lists appliances without their keys', async () => {
    const server = await backend({ adminToken: TOKEN });
    const minted = await call(`${server.url}/api/admin/codes`, { method: 'POST', headers: auth, body: JSON.stringify({ partner: 'nepa-it', client_name: 'New Clinic' }) });
    expect(minted.status).toBe(201);
    const code = String(minted.json().code);
    expect(code).toMatch(/^[0-9A-F]{16}$/);
    const claim = await call(`${server.url}/api/provision/claim`, { method: 'POST', body: JSON.stringify({ provision_code: code, mac_address: MAC }) });
    expect(claim.status).toBe(200);
    const listing = await call(`${server.url}/api/admin/appliances`, { headers: auth });
    expect(listing.json()).toMatchObject({ appliances: [{ client_name: 'New Clinic', mac_address: MAC }] });
    expect(listing.text).not.toContain(String(claim.json().api_key));
  });

  it('refuses to mint for an unknown partner', async () => {
    const server = await backend({ adminToken: TOKEN });
    expect((await call(`${server.url}/api/admin/codes`, { method: 'POST', headers: auth, body: JSON.stringify({ partner: 'nobody', client_name: 'X' }) })).status).toBe(404);
  });

  it('sets faults at run time', async () => {
    const server = await backend({ adminToken: TOKEN });
    const set = await call(`${server.url}/api/admin/faults`, { method: 'PUT', headers: auth, body: JSON.stringify({ validate: { error_rate: 1, error_status: 503 } }) });
    expect(set.status).toBe(200);
    expect((await call(`${server.url}/api/provision/validate/${PENDING_CODE}`)).status).toBe(503);
  });
});

describe('fault injection', () => {
  it('answers injected errors', async () => {
    const server = await backend({ faults: { claim: { error_rate: 1, error_status: 502 } } });
    const result = await call(`${server.url}/api/provision/claim`, { method: 'POST', body: JSON.stringify({ provision_code: PENDING_CODE, mac_address: MAC }) });
    expect(result.status).toBe(502);
    expect(server.mock.store.codes.get(PENDING_CODE)?.status).toBe('pending');
  });

  it('drops connections', async () => {
    const server = await backend({ faults: { health: { drop_rate: 1 } } });
    await expect(fetch(`${server.url}/health`)).rejects.toThrow();
  });

  it('sends malformed bodies', async () => {
    const server = await backend({ faults: { validate: { malformed_rate: 1 } } });
    const result = await call(`${server.url}/api/provision/validate/${PENDING_CODE}`);
    expect(result.status).toBe(200);
    expect(() => JSON.parse(result.text) as unknown).toThrow();
  });

  it('adds latency', async () => {
    const server = await backend({ faults: { health: { latency_ms: 60_000 } } });
    const aborted = await fetch(`${server.url}/health`, { signal: AbortSignal.timeout(200) }).then(() => 'answered', (err: unknown) => (err as Error).name);
    expect(aborted).toBe('TimeoutError');
  });
});

describe('state file', () => {
  it('survives a restart', async () => {
    const statePath = join(await tempDir(), 'state.json');
    const first = await startServer({ statePath, rateLimit: false });
    const claim = await call(`${first.url}/api/provision/claim`, { method: 'POST', body: JSON.stringify({ provision_code: PENDING_CODE, mac_address: MAC }) });
    await first.close();
    expect(JSON.parse(await readFile(statePath, 'utf8'))).toMatchObject({ appliances: [{ mac_address: MAC }] });

    const second = await startServer({ statePath, rateLimit: false });
    try {
      const again = await call(`${second.url}/api/provision/claim`, { method: 'POST', body: JSON.stringify({ provision_code: PENDING_CODE, mac_address: MAC }) });
      expect(again.json()).toEqual({ detail: 'Provision code already claimed' });
      const config = await call(`${second.url}/api/provision/config/${encodeURIComponent(String(claim.json().appliance_id))}`);
      expect(config.status).toBe(200);
    } finally {
      await second.close();
    }
  });
});

describe('osiris-mock-server command', () => {
  it('prints one JSON line with its URL and seeded codes, then serves', async () => {
    const child = spawn(process.execPath, [MOCK_CLI, '--port', '0', '--host', '127.0.0.1'], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const line = await new Promise<string>((resolve) => {
        createInterface({ input: child.stdout }).once('line', resolve);
      });
      const info = JSON.parse(line) as { url: string; codes: { code: string; status: string; partner: string }[] };
      expect(info.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(info.codes).toEqual(expect.arrayContaining([
        { code: PENDING_CODE, status: 'pending', partner: 'nepa-it' },
        expect.objectContaining({ status: 'expired', partner: 'nepa-it' }),
        expect.objectContaining({ status: 'claimed', partner: 'nepa-it' }),
      ]));
      expect((await call(`${info.url}/health`)).json()).toEqual({ status: 'ok' });
    } finally {
      child.kill('SIGTERM');
    }
    const exit = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(exit).toBe(0);
  });

  it('rejects a bad port with exit 2', async () => {
    const child = spawn(process.execPath, [MOCK_CLI, '--port', 'eighty'], { stdio: 'ignore' });
    expect(await new Promise((resolve) => child.on('close', resolve))).toBe(2);
  });
});
