import { spawn } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../agent-core/src/fs/atomic-write.js';
import { startServer } from '../src/server.js';
import { StateFileError } from '../src/state-file.js';
import { PENDING_CODE, useBackend, useTempDir } from '../../test-support/backend.js';
import { MOCK_CLI } from '../../test-support/cli.js';
import { get, post, put } from '../../test-support/http.js';

const backend = useBackend();
const tempDir = useTempDir();
const MAC = '84:3A:5B:91:B6:61';
const TOKEN = 'lab-token-0123456789';
const auth = { authorization: `Bearer ${TOKEN}` };

describe('admin API', () => {
  it('does not exist unless a token is configured', async () => {
    const server = await backend();
    expect((await get(`${server.url}/api/admin/appliances`, auth)).status).toBe(404);
  });

  it('requires the bearer token', async () => {
    const server = await backend({ adminToken: TOKEN });
    expect((await get(`${server.url}/api/admin/appliances`)).status).toBe(401);
    expect((await get(`${server.url}/api/admin/appliances`, { authorization: 'Bearer wrong-token-000000000' })).status).toBe(401);
  });

  it('mints a claimable 16-hex code and lists appliances without their keys', async () => {
    const server = await backend({ adminToken: TOKEN });
    const minted = await post(`${server.url}/api/admin/codes`, { partner: 'nepa-it', client_name: 'New Clinic' }, auth);
    expect(minted.status).toBe(201);
    const code = String(minted.json().code);
    expect(code).toMatch(/^[0-9A-F]{16}$/);
    const claim = await post(`${server.url}/api/provision/claim`, { provision_code: code, mac_address: MAC });
    expect(claim.status).toBe(200);
    const listing = await get(`${server.url}/api/admin/appliances`, auth);
    expect(listing.json()).toMatchObject({ appliances: [{ clinic_name: 'New Clinic', mac_address: MAC }] });
    expect(listing.text).not.toContain(String(claim.json().api_key));
  });

  it('revokes a pending code, which the provisioning routes then refuse as revoked', async () => {
    const server = await backend({ adminToken: TOKEN });
    expect((await post(`${server.url}/api/admin/codes/${PENDING_CODE}/revoke`, {}, auth)).json()).toMatchObject({ status: 'revoked' });
    expect((await get(`${server.url}/api/provision/validate/${PENDING_CODE}`)).json()).toEqual({ valid: false, error: 'Provision code is revoked' });
    expect((await post(`${server.url}/api/admin/codes/${PENDING_CODE}/revoke`, {}, auth)).status).toBe(409);
  });

  it('refuses to mint for an unknown partner', async () => {
    const server = await backend({ adminToken: TOKEN });
    expect((await post(`${server.url}/api/admin/codes`, { partner: 'nobody', client_name: 'X' }, auth)).status).toBe(404);
  });

  it('sets faults at run time, and says which are set', async () => {
    const server = await backend({ adminToken: TOKEN });
    expect((await get(`${server.url}/api/admin/faults`, auth)).json()).toEqual({ faults: {} });
    expect((await put(`${server.url}/api/admin/faults`, { validate: { error_rate: 1, error_status: 503 } }, auth)).status).toBe(200);
    expect((await get(`${server.url}/api/admin/faults`, auth)).json()).toEqual({ faults: { validate: { error_rate: 1, error_status: 503 } } });
    expect((await get(`${server.url}/api/provision/validate/${PENDING_CODE}`)).status).toBe(503);
  });
});

describe('admin API path spellings (attack finding 1: case-insensitive routes behind a case-sensitive guard)', () => {
  const spellings = (path: string) => [
    path.toUpperCase(),
    path.replace('/api/admin', '/Api/Admin'),
    path.replace('/api/admin', '/api/ADMIN'),
    `/${path}`,
    path.replace('/api/admin/', '/api/admin//'),
    `${path}/`,
    path.replace('/admin/', '/%61dmin/'),
    path.replace('/api/', '/api%2F'),
  ];
  const routes: [string, string, unknown][] = [
    ['GET', '/api/admin/codes', undefined],
    ['POST', '/api/admin/codes', { partner: 'nepa-it', client_name: 'Attacker Clinic' }],
    ['GET', '/api/admin/appliances', undefined],
    ['GET', '/api/admin/heartbeats', undefined],
    ['GET', '/api/admin/dropship', undefined],
    ['POST', '/api/admin/dropship', { mac_address: MAC, site_id: 'attacker-site' }],
    ['PUT', '/api/admin/faults', { claim: { error_rate: 1 } }],
    ['GET', '/api/admin/faults', undefined],
    ['GET', '/api/admin/events', undefined],
    ['POST', `/api/admin/codes/${PENDING_CODE}/revoke`, {}],
  ];

  it.each(routes)('never serves %s %s (any spelling) without the token', async (method, path, body) => {
    const server = await backend({ adminToken: TOKEN });
    for (const spelling of spellings(path)) {
      const response = await fetch(`${server.url}${spelling}`, { method, headers: { 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
      expect([spelling, response.status]).toEqual([spelling, expect.toSatisfy((s: number) => s === 401 || s === 404 || s === 405)]);
    }
    expect(server.mock.store.codes.size).toBe(11);
    expect(server.mock.store.codes.get(PENDING_CODE)?.status).toBe('pending');
    expect(server.mock.store.dropship.get(MAC)).toBeUndefined();
    expect(server.mock.faults.get()).toEqual({});
  });
});

describe('fault injection', () => {
  it('answers injected errors', async () => {
    const server = await backend({ faults: { claim: { error_rate: 1, error_status: 502 } } });
    expect((await post(`${server.url}/api/provision/claim`, { provision_code: PENDING_CODE, mac_address: MAC })).status).toBe(502);
    expect(server.mock.store.codes.get(PENDING_CODE)?.status).toBe('pending');
  });

  it('drops connections', async () => {
    const server = await backend({ faults: { health: { drop_rate: 1 } } });
    await expect(fetch(`${server.url}/health`)).rejects.toThrow();
  });

  it('sends malformed bodies', async () => {
    const server = await backend({ faults: { validate: { malformed_rate: 1 } } });
    const result = await get(`${server.url}/api/provision/validate/${PENDING_CODE}`);
    expect(result.status).toBe(200);
    expect(() => JSON.parse(result.text) as unknown).toThrow();
  });

  it('adds latency', async () => {
    const server = await backend({ faults: { health: { latency_ms: 60_000 } } });
    const aborted = await fetch(`${server.url}/health`, { signal: AbortSignal.timeout(200) }).then(() => 'answered', (err: unknown) => (err as Error).name);
    expect(aborted).toBe('TimeoutError');
  });
});

describe('state file (attack finding 2)', () => {
  it('survives a restart', async () => {
    const statePath = join(await tempDir(), 'state.json');
    const first = await startServer({ statePath, rateLimit: false });
    const claim = await post(`${first.url}/api/provision/claim`, { provision_code: PENDING_CODE, mac_address: MAC });
    await first.close();
    expect(JSON.parse(await readFile(statePath, 'utf8'))).toMatchObject({ appliances: [{ mac_address: MAC }] });

    const second = await startServer({ statePath, rateLimit: false });
    try {
      expect((await post(`${second.url}/api/provision/claim`, { provision_code: PENDING_CODE, mac_address: MAC })).json()).toEqual({ detail: 'Provision code already claimed' });
      const bearer = { authorization: `Bearer ${String(claim.json().api_key)}` };
      expect((await post(`${second.url}/api/provision/status`, { appliance_id: claim.json().appliance_id, status: 'online' }, bearer)).status).toBe(200);
    } finally {
      await second.close();
    }
  });

  it.each([
    ['truncated', '{"codes": [{"code": "ABCD'],
    ['an empty object', '{}'],
    ['the wrong shape', '{"codes": "all of them", "sites": [], "appliances": [], "api_keys": [], "heartbeats": [], "dropship": []}'],
  ])('refuses a state file that is %s with a clear error', async (_label, content) => {
    const statePath = join(await tempDir(), 'state.json');
    await writeFile(statePath, content);
    await expect(startServer({ statePath })).rejects.toThrow(StateFileError);
    await expect(startServer({ statePath })).rejects.toThrow(/state file .*state\.json is not/);
  });

  it('logs a failed save (a full disk) and retries it, never crashing, and leaves no temp file', async () => {
    const dir = await tempDir();
    const statePath = join(dir, 'state.json');
    const lines: string[] = [];
    let failures = 2;
    const server = await startServer({
      statePath,
      rateLimit: false,
      log: (line) => lines.push(line),
      stateWriter: async (path, data) => {
        if (failures > 0) {
          failures -= 1;
          throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
        }
        await writeFileAtomic(path, data);
      },
    });
    try {
      await post(`${server.url}/api/provision/heartbeat`, { mac_address: MAC, provision_code: PENDING_CODE });
      await expect.poll(() => lines.length).toBeGreaterThan(0);
      expect(lines[0]).toMatch(/could not save state .*ENOSPC.*retrying/);
      await expect.poll(async () => JSON.parse(await readFile(statePath, 'utf8').catch(() => '{}')) as Record<string, unknown>, { timeout: 5000 }).toMatchObject({ heartbeats: [{ mac_address: MAC }] });
      expect((await readdir(dir)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it('answers a claim only once it is saved: a failed save answers 500 and a restart finds the code still pending', async () => {
    const statePath = join(await tempDir(), 'state.json');
    const failing = await startServer({
      statePath,
      rateLimit: false,
      log: () => undefined,
      stateWriter: () => Promise.reject(Object.assign(new Error('disk full'), { code: 'ENOSPC' })),
    });
    const answer = await post(`${failing.url}/api/provision/claim`, { provision_code: PENDING_CODE, mac_address: MAC });
    failing.server.closeAllConnections();
    await new Promise<void>((resolve) => failing.server.close(() => { resolve(); }));
    expect(answer.status).toBe(500);
    expect(answer.text).not.toContain('api_key');
    // The process "crashed" before any save: a restart serves the code as pending, and nobody got a key for it.
    const restarted = await startServer({ statePath, rateLimit: false });
    try {
      expect((await get(`${restarted.url}/api/provision/validate/${PENDING_CODE}`)).json()).toMatchObject({ valid: true });
    } finally {
      await restarted.close();
    }
  });
});

describe('osiris-mock-server command', () => {
  it('prints one JSON line with its URL, signing key and seeded codes, then serves', async () => {
    const child = spawn(process.execPath, [MOCK_CLI, '--port', '0', '--host', '127.0.0.1'], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const line = await new Promise<string>((resolve) => {
        createInterface({ input: child.stdout }).once('line', resolve);
      });
      const info = JSON.parse(line) as { url: string; server_key: string; codes: { code: string; status: string; partner: string | null }[] };
      expect(info.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(info.server_key).toMatch(/^[0-9a-f]{64}$/);
      expect(info.codes).toEqual(expect.arrayContaining([
        { code: PENDING_CODE, status: 'pending', partner: 'nepa-it' },
        expect.objectContaining({ status: 'expired', partner: 'nepa-it' }),
        expect.objectContaining({ status: 'revoked' }),
        expect.objectContaining({ status: 'claimed', partner: 'nepa-it' }),
      ]));
      expect((await get(`${info.url}/health`)).json()).toEqual({ status: 'ok' });
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

  it('refuses a corrupt state file with one line and exit 2, no stack trace', async () => {
    const statePath = join(await tempDir(), 'state.json');
    await writeFile(statePath, '{"codes": [');
    const child = spawn(process.execPath, [MOCK_CLI, '--port', '0', '--state', statePath], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    expect(await new Promise((resolve) => child.on('close', resolve))).toBe(2);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/^osiris-mock-server: state file .* is not valid JSON/);
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});
