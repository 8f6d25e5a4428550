import { describe, expect, it } from 'vitest';
import { runPreflight, type PreflightOptions } from '../src/http/preflight.js';
import { useBackend, useTempDir } from '../../test-support/backend.js';
import { sendJson, useHostileServer } from '../../test-support/hostile-server.js';
import { preflightClient, useTlsBackend } from '../../test-support/preflight.js';
import { makeLocalhostCert } from '../../test-support/tls.js';

const backend = useBackend();
const hostile = useHostileServer();
const tempDir = useTempDir();
const tlsBackend = useTlsBackend();

/** The preflight as the flow runs it: whether a proxy carries the traffic comes from the environment unless a test says. */
async function preflight(url: string, extra: Partial<PreflightOptions> = {}) {
  const client = preflightClient(url, extra.caFile === undefined ? {} : { caFile: extra.caFile });
  try {
    return await runPreflight({ client, stageTimeoutMs: 2_000, ...extra });
  } finally {
    await client.close();
  }
}

async function httpsBackend(): Promise<{ url: string; certPath: string }> {
  const { key, cert, certPath } = makeLocalhostCert(await tempDir());
  const { port } = await tlsBackend({ key, cert });
  return { url: `https://localhost:${port}`, certPath };
}

describe('network preflight', () => {
  it('passes every stage against a healthy backend', async () => {
    const server = await backend();
    const report = await preflight(server.url);
    expect(report.ok).toBe(true);
    expect(report.stages.map((s) => [s.stage, s.status])).toEqual([['dns', 'pass'], ['tcp', 'pass'], ['tls', 'skip'], ['http', 'pass'], ['clock', 'pass']]);
  });

  it('names a DNS failure and what to do about it', async () => {
    const failing = () => Promise.reject(Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' }));
    const report = await preflight('https://api.osiriscare.net', { lookup: failing });
    expect(report.failed).toMatchObject({ stage: 'dns', status: 'fail' });
    expect(report.failed?.hint).toContain('DNS filter');
    expect(report.stages).toHaveLength(1);
  });

  it('recognises a DNS filter answering with a sinkhole address', async () => {
    const sinkhole = () => Promise.resolve([{ address: '0.0.0.0' }]);
    const report = await preflight('https://api.osiriscare.net', { lookup: sinkhole });
    expect(report.failed?.detail).toContain('blocked-domain answer');
    expect(report.failed?.hint).toContain('allow');
  });

  it('names a refused TCP connection', async () => {
    const server = await backend();
    const url = server.url;
    await server.close();
    const report = await preflight(url);
    expect(report.failed).toMatchObject({ stage: 'tcp' });
    expect(report.failed?.hint).toContain('firewall');
    // The same detail as a message key and parameters, for a screen in another language.
    const port = Number(new URL(url).port);
    expect(report.failed).toMatchObject({ key: 'preflight.tcp.refused', params: { address: '127.0.0.1', port }, detail: `127.0.0.1 port ${port} refused the connection` });
  });

  it('names an untrusted certificate as TLS interception', async () => {
    const server = await httpsBackend();
    const report = await preflight(server.url);
    expect(report.failed).toMatchObject({ stage: 'tls' });
    expect(report.failed?.detail).toContain('SELF_SIGNED');
    expect(report.failed?.hint).toContain('TLS-intercepting proxy');
  });

  it('trusts an extra CA file and then passes TLS and HTTP', async () => {
    const server = await httpsBackend();
    const report = await preflight(server.url, { caFile: server.certPath });
    expect(report.stages.map((s) => s.status)).toEqual(['pass', 'pass', 'pass', 'pass', 'pass']);
  });

  it('names a backend that answers with server errors', async () => {
    const server = await hostile((_req, res) => { sendJson(res, 503, { detail: 'maintenance' }); });
    const report = await preflight(server.url);
    expect(report.failed).toMatchObject({ stage: 'http', detail: 'Server error (HTTP 503)' });
  });

  it('warns about a clock far from the server’s', async () => {
    const server = await backend();
    const report = await preflight(server.url, { now: () => Date.now() + 3 * 3_600_000 });
    expect(report.ok).toBe(true);
    expect(report.stages.at(-1)).toMatchObject({ stage: 'clock', status: 'warn' });
    expect(report.stages.at(-1)?.detail).toContain('180 minutes ahead');
  });

  it('leaves DNS, TCP and TLS to the proxy when one carries the traffic', async () => {
    const server = await backend();
    const report = await preflight(server.url, { viaProxy: true });
    expect(report.stages.slice(0, 3).map((s) => s.status)).toEqual(['skip', 'skip', 'skip']);
  });
});

describe('usesProxy', () => {
  const url = (s: string) => new URL(s);
  it('follows HTTPS_PROXY and NO_PROXY, and never proxies the loopback host', async () => {
    const { usesProxy } = await import('../src/http/preflight.js');
    const env = { HTTPS_PROXY: 'http://proxy:3128', NO_PROXY: 'localhost, .internal.example,exact.example' };
    expect(usesProxy(url('https://api.osiriscare.net'), env)).toBe(true);
    expect(usesProxy(url('https://api.osiriscare.net'), {})).toBe(false);
    expect(usesProxy(url('https://a.internal.example'), env)).toBe(false);
    expect(usesProxy(url('https://exact.example'), env)).toBe(false);
    expect(usesProxy(url('https://notexact.example'), env)).toBe(true);
    expect(usesProxy(url('http://127.0.0.1:8080'), { HTTP_PROXY: 'http://proxy:3128' })).toBe(false);
    expect(usesProxy(url('https://api.osiriscare.net'), { ...env, NO_PROXY: '*' })).toBe(false);
  });
});
