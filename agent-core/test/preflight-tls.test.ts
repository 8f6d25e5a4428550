import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../../test-support/backend.js';
import { makeDatedCert, preflightOf, useTcpServer, useTlsBackend } from '../../test-support/preflight.js';
import { makeLocalhostCert } from '../../test-support/tls.js';

const tempDir = useTempDir();
const tlsBackend = useTlsBackend();
const tcpServer = useTcpServer();

/** Long past any stage timeout used here: a TLS probe that had no timeout of its own would see this hang-up instead. */
const HANG_UP_AFTER_MS = 1_000;
const CLOCK_HINT = "The appliance clock is probably wrong: set the date or enable NTP ('timedatectl set-ntp true').";

describe('preflight TLS stage', () => {
  it('probes the address the resolver answered and checks the certificate for the endpoint’s name, naming it in the handshake', async () => {
    const { key, cert, certPath } = makeLocalhostCert(await tempDir());
    const backend = await tlsBackend({ host: '127.0.0.2', key, cert });
    const lookup = () => Promise.resolve([{ address: '127.0.0.2' }]);
    const report = await preflightOf(`https://localhost:${backend.port}`, { lookup, caFile: certPath, client: { caFile: certPath } });
    expect(report.stages.slice(0, 3)).toMatchObject([
      { stage: 'dns', status: 'pass', detail: 'localhost → 127.0.0.2' },
      { stage: 'tcp', status: 'pass', key: 'preflight.tcp.connected', params: { address: '127.0.0.2', port: backend.port }, detail: `connected to 127.0.0.2 port ${backend.port}` },
      { stage: 'tls', status: 'pass', key: 'preflight.tls.verified', params: { host: 'localhost' }, detail: 'certificate for localhost verified' },
    ]);
    expect(backend.serverNames).toEqual(['localhost']);
  });

  it('names no server in the handshake when the endpoint is an IP address, as RFC 6066 requires', async () => {
    const { key, cert, certPath } = makeLocalhostCert(await tempDir());
    const backend = await tlsBackend({ key, cert });
    const report = await preflightOf(backend.url, { caFile: certPath, client: { caFile: certPath } });
    expect(report.stages.map((s) => [s.stage, s.status])).toEqual([['dns', 'pass'], ['tcp', 'pass'], ['tls', 'pass'], ['http', 'pass'], ['clock', 'pass']]);
    expect(report.stages[2]?.detail).toBe('certificate for 127.0.0.1 verified');
    expect(backend.serverNames).toEqual([]);
  });

  it('reads a certificate it does not trust as TLS interception, and stops at the TLS stage', async () => {
    const { key, cert } = makeLocalhostCert(await tempDir());
    const backend = await tlsBackend({ key, cert });
    const report = await preflightOf(backend.url);
    expect(report.stages.map((s) => [s.stage, s.status])).toEqual([['dns', 'pass'], ['tcp', 'pass'], ['tls', 'fail']]);
    expect(report.failed).toEqual({
      stage: 'tls',
      status: 'fail',
      key: 'preflight.tls.error',
      params: { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' },
      detail: 'TLS failed (DEPTH_ZERO_SELF_SIGNED_CERT)',
      hint: 'The certificate for 127.0.0.1 is not the real one: a TLS-intercepting proxy or firewall is replacing it. Ask for 127.0.0.1 to be exempted from HTTPS inspection.',
      ms: expect.any(Number) as number,
    });
  });

  it.each([
    ['CERT_HAS_EXPIRED', 'an expired', '20200101000000Z', '20200102000000Z'],
    ['CERT_NOT_YET_VALID', 'a not-yet-valid', '20990101000000Z', '20990102000000Z'],
  ])('blames the appliance clock for %s (%s certificate)', async (code, _what, notBefore, notAfter) => {
    const { key, cert, certPath } = makeDatedCert(await tempDir(), notBefore, notAfter);
    const backend = await tlsBackend({ key, cert });
    const report = await preflightOf(backend.url, { caFile: certPath, client: { caFile: certPath } });
    expect(report.failed).toMatchObject({ stage: 'tls', key: 'preflight.tls.error', params: { code }, detail: `TLS failed (${code})`, hint: CLOCK_HINT });
  });

  it('says the extra CA file cannot be read, and how to fix it, instead of probing without it', async () => {
    const dir = await tempDir();
    const { key, cert } = makeLocalhostCert(dir);
    const backend = await tlsBackend({ key, cert });
    const missing = join(dir, 'missing-ca.pem');
    const report = await preflightOf(backend.url, { caFile: missing });
    expect(report.stages).toHaveLength(3);
    expect(report.failed).toMatchObject({
      stage: 'tls',
      status: 'fail',
      key: 'preflight.tls.ca',
      params: {},
      detail: `Cannot read CA file ${missing}: ENOENT: no such file or directory, open '${missing}'`,
      hint: 'Fix the --ca-file path.',
    });
  });

  it('gives up on a TLS handshake that stays silent past the stage timeout, and blames inspection in between', async () => {
    const { port } = await tcpServer((socket) => { setTimeout(() => { socket.destroy(); }, HANG_UP_AFTER_MS).unref(); });
    const report = await preflightOf(`https://127.0.0.1:${port}`, { stageTimeoutMs: 100 });
    expect(report.stages.map((s) => [s.stage, s.status])).toEqual([['dns', 'pass'], ['tcp', 'pass'], ['tls', 'fail']]);
    expect(report.failed).toMatchObject({
      key: 'preflight.tls.timeout',
      params: {},
      detail: 'TLS handshake did not complete',
      hint: 'Something between the appliance and the server is holding HTTPS connections: a proxy or a firewall doing inspection.',
    });
  });
});
