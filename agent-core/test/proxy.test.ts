import { afterEach, describe, expect, it } from 'vitest';
import { claimProvisionCode } from '../src/protocol/api.js';
import { PENDING_CODE, TEST_IDENTITY, useTempDir } from '../../test-support/backend.js';
import { BACKEND_HOST, useClinicProxy } from '../../test-support/clinic-proxy.js';

const tempDir = useTempDir();
const { proxyTo, httpsBackend } = useClinicProxy(tempDir);
const savedEnv = { ...process.env };
afterEach(() => {
  process.env = { ...savedEnv };
});

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
