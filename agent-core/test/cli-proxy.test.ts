import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PENDING_CODE, useTempDir } from '../../test-support/backend.js';
import { runCli } from '../../test-support/cli.js';
import { BACKEND_HOST, useClinicProxy } from '../../test-support/clinic-proxy.js';
import { requireBuilt } from '../../test-support/require-build.js';
import { makeLocalhostCert } from '../../test-support/tls.js';

const tempDir = useTempDir();
const { proxyTo, httpsBackend } = useClinicProxy(tempDir);

describe('osiris-provision through an HTTPS proxy', () => {
  it('speaks HTTP/1.1 to a proxy that offers h2 first (the bundle carries no HTTP/2 client) and provisions through it', async () => {
    requireBuilt(['cli']);
    const backend = await httpsBackend();
    // The proxy's own certificate is trusted the way a clinic's would be, through the system's CAs (NODE_EXTRA_CA_CERTS here).
    const proxyCert = makeLocalhostCert(await tempDir());
    const proxy = await proxyTo(backend.port, proxyCert);
    const stateDir = join(await tempDir(), 'msp');
    const run = await runCli(['--provision', PENDING_CODE, '--json', '--api-endpoint', `https://${BACKEND_HOST}`, '--ca-file', backend.certPath, '--state-dir', stateDir], {
      env: { HTTPS_PROXY: proxy.url, NODE_EXTRA_CA_CERTS: proxyCert.certPath },
    });
    expect(run.stdout).not.toContain('HTTP/2 was negotiated');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ ok: true });
    expect(proxy.alpn.length).toBeGreaterThan(0);
    expect(new Set(proxy.alpn)).toEqual(new Set(['http/1.1']));
    expect(proxy.tunnels[0]).toBe(`${BACKEND_HOST}:443`);
  });
});
