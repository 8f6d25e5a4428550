import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect, type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { claimProvisionCode } from '../src/protocol/api.js';
import { createApp } from '../../mock-server/src/app.js';
import { PENDING_CODE, TEST_IDENTITY, useTempDir } from '../../test-support/backend.js';
import { makeLocalhostCert } from '../../test-support/tls.js';

const tempDir = useTempDir();
/** A name that resolves nowhere: only the proxy can reach it (as a clinic that forces a proxy). */
const BACKEND_HOST = 'api.osiriscare.test';
const servers: Server[] = [];
const savedEnv = { ...process.env };
afterEach(() => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    server.close();
  }
  process.env = { ...savedEnv };
});

const listen = async (server: Server) => {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
};

/**
 * A clinic's forward proxy: CONNECT tunnels, every host sent to the local HTTPS backend (names like
 * api.osiriscare.test resolve nowhere else here), and a log of what it was asked for.
 */
async function proxyTo(backendPort: number): Promise<{ url: string; tunnels: string[] }> {
  const tunnels: string[] = [];
  const proxy = createHttpServer((_req, res) => res.writeHead(405).end());
  proxy.on('connect', (req, client) => {
    tunnels.push(req.url ?? '');
    const upstream = connect(backendPort, '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  return { url: `http://127.0.0.1:${await listen(proxy)}`, tunnels };
}

async function httpsBackend() {
  const { key, cert, certPath } = makeLocalhostCert(await tempDir(), [BACKEND_HOST]);
  const mock = createApp({ rateLimit: false, apiEndpoint: 'https://api.osiriscare.test' });
  const handle = mock.app.callback();
  const port = await listen(createHttpsServer({ key, cert }, (req, res) => { void handle(req, res); }));
  return { port, certPath, mock };
}

describe('through the clinic proxy (HTTPS_PROXY)', () => {
  it('tunnels the claim through HTTPS_PROXY, verifying the backend against the extra CA', async () => {
    const backend = await httpsBackend();
    const proxy = await proxyTo(backend.port);
    process.env.HTTPS_PROXY = proxy.url;
    // The tunnel ends at the backend, whose certificate TLS then verifies against the extra CA.
    const result = await claimProvisionCode(PENDING_CODE, { apiEndpoint: `https://${BACKEND_HOST}`, identity: TEST_IDENTITY, caFile: backend.certPath });
    expect(result).toMatchObject({ ok: true, data: { site: { api_endpoint: 'https://api.osiriscare.test' } } });
    expect(proxy.tunnels).toEqual([`${BACKEND_HOST}:443`]);
  });

  it('never sends the loopback host through the proxy', async () => {
    const backend = await httpsBackend();
    const proxy = await proxyTo(backend.port);
    process.env.HTTPS_PROXY = proxy.url;
    const result = await claimProvisionCode(PENDING_CODE, { apiEndpoint: `https://localhost:${backend.port}`, identity: TEST_IDENTITY, caFile: backend.certPath });
    expect(result.ok).toBe(true);
    expect(proxy.tunnels).toEqual([]);
  });

  it('refuses the backend through the proxy without the CA (what TLS interception looks like)', async () => {
    const backend = await httpsBackend();
    const proxy = await proxyTo(backend.port);
    process.env.HTTPS_PROXY = proxy.url;
    const result = await claimProvisionCode(PENDING_CODE, { apiEndpoint: `https://${BACKEND_HOST}`, identity: TEST_IDENTITY });
    expect(result).toMatchObject({ ok: false, code: 'tls' });
    expect(!result.ok && result.hint).toContain('TLS-intercepting proxy');
    expect(backend.mock.store.codes.get(PENDING_CODE)?.status).toBe('pending');
  });
});
