import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fetchPartnerLogo, sniffImage } from '../src/http/logo.js';
import { ProvisioningService } from '../src/service.js';
import { FixtureSchema, defaultFixture } from '../../mock-server/src/fixtures.js';
import { PENDING_CODE, TEST_IDENTITY, useBackend, useTempDir } from '../../test-support/backend.js';
import { solidPng, startLogoServer, type LogoRoute, type LogoServer } from '../../test-support/logo-server.js';

const tempDir = useTempDir();
const backend = useBackend();
const servers: LogoServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const PNG = solidPng(64, 32);
const SVG = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
const send = (type: string, body: Buffer, extra: Record<string, string> = {}): LogoRoute => (response) => {
  response.writeHead(200, { 'content-type': type, ...extra }).end(body);
};

async function logoHost(routes: Record<string, LogoRoute>): Promise<LogoServer> {
  const server = await startLogoServer(await tempDir(), routes);
  servers.push(server);
  return server;
}

describe('what a logo is, by its bytes', () => {
  it('knows PNG, JPEG, GIF and WebP by their signatures, and nothing else', () => {
    expect(sniffImage(PNG)).toBe('image/png');
    expect(sniffImage(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]))).toBe('image/jpeg');
    expect(sniffImage(Buffer.from('GIF89a\x01\x00', 'latin1'))).toBe('image/gif');
    expect(sniffImage(Buffer.from('GIF87a\x01\x00', 'latin1'))).toBe('image/gif');
    expect(sniffImage(Buffer.from('RIFF\x10\x00\x00\x00WEBPVP8 ', 'latin1'))).toBe('image/webp');
    for (const other of [SVG, Buffer.from('<!doctype html><img>'), Buffer.from('GIF88a'), Buffer.from('RIFF\x10\x00\x00\x00WAVE', 'latin1'), PNG.subarray(0, 7), Buffer.alloc(0)]) {
      expect(sniffImage(other)).toBeUndefined();
    }
  });
});

describe("the partner's logo, fetched by the engine", () => {
  it('fetches a PNG over https, trusting the lab CA, whatever type the server claims', async () => {
    const host = await logoHost({ '/logo.png': send('text/html', PNG) });
    const logo = await fetchPartnerLogo(`${host.origin}/logo.png`, { caFile: host.certPath });
    expect(logo).toEqual({ ok: true, data: { mime: 'image/png', base64: PNG.toString('base64') } });
    // Nothing of the appliance's goes with it: no key, no cookie.
    const [request] = host.requests;
    expect(request?.headers.authorization).toBeUndefined();
    expect(request?.headers.cookie).toBeUndefined();
    expect(request?.headers['user-agent']).toMatch(/^osiris-provision\//);
  });

  it('refuses markup, however it is labelled: SVG (it can carry script) and HTML posing as a PNG', async () => {
    const host = await logoHost({ '/logo.svg': send('image/svg+xml', SVG), '/fake.png': send('image/png', Buffer.from('<html><script>x()</script>')) });
    for (const path of ['/logo.svg', '/fake.png']) {
      const logo = await fetchPartnerLogo(`${host.origin}${path}`, { caFile: host.certPath });
      expect(logo, path).toMatchObject({ ok: false, error: 'The partner logo is not a PNG, JPEG, GIF or WebP image' });
    }
  });

  it('stops reading at the size cap, whether the length is declared or not', async () => {
    const big = Buffer.concat([PNG, Buffer.alloc(4096)]);
    const host = await logoHost({
      '/declared.png': send('image/png', big, { 'content-length': String(big.length) }),
      '/chunked.png': (response) => {
        response.writeHead(200, { 'content-type': 'image/png' });
        response.write(big.subarray(0, 2048));
        response.end(big.subarray(2048));
      },
    });
    const declared = await fetchPartnerLogo(`${host.origin}/declared.png`, { caFile: host.certPath, maxBytes: 1024 });
    expect(declared).toMatchObject({ ok: false, error: `The partner logo is too large (${big.length} bytes; at most 1024)` });
    const chunked = await fetchPartnerLogo(`${host.origin}/chunked.png`, { caFile: host.certPath, maxBytes: 1024 });
    expect(chunked).toMatchObject({ ok: false, error: 'The partner logo is too large (more than 1024 bytes)' });
  });

  it('follows no redirect: the address the server named is the only one asked', async () => {
    const host = await logoHost({
      '/moved.png': (response) => response.writeHead(302, { location: '/logo.png' }).end(),
      '/logo.png': send('image/png', PNG),
    });
    const logo = await fetchPartnerLogo(`${host.origin}/moved.png`, { caFile: host.certPath });
    expect(logo).toMatchObject({ ok: false, error: 'The partner logo server answered HTTP 302' });
    expect(host.requests.map((r) => r.path)).toEqual(['/moved.png']);
  });

  it('asks nothing of a plain http address, or one carrying credentials', async () => {
    const seen: string[] = [];
    const plain = createServer((request, response) => { seen.push(request.url ?? ''); response.end(PNG); });
    await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = plain.address() as AddressInfo;
      expect(await fetchPartnerLogo(`http://127.0.0.1:${port}/logo.png`)).toMatchObject({ ok: false, error: 'The partner logo is not an https address' });
      expect(await fetchPartnerLogo(`https://user:secret@127.0.0.1:${port}/logo.png`)).toMatchObject({ ok: false, error: 'The partner logo is not an https address' });
      expect(await fetchPartnerLogo('not a url')).toMatchObject({ ok: false, error: 'The partner logo address is not a URL' });
      expect(seen).toEqual([]);
    } finally {
      plain.close();
    }
  });

  it('gives up on a host that never answers, and on a certificate it cannot trust', async () => {
    const host = await logoHost({ '/slow.png': () => undefined, '/logo.png': send('image/png', PNG) });
    expect(await fetchPartnerLogo(`${host.origin}/slow.png`, { caFile: host.certPath, timeoutMs: 300 })).toMatchObject({ ok: false, code: 'timeout', error: 'The partner logo did not arrive in time' });
    const untrusted = await fetchPartnerLogo(`${host.origin}/logo.png`);
    expect(untrusted).toMatchObject({ ok: false, code: 'unreachable' });
    expect(untrusted.ok ? '' : untrusted.error).toMatch(/^The partner logo could not be fetched: .*certificate/i);
  });
});

describe("the service's logo for the Success screen", () => {
  it("is the logo of the partner whose code provisioned the appliance, fetched once; none before", async () => {
    const host = await logoHost({ '/nepa.png': send('image/png', PNG) });
    const fixture = defaultFixture();
    const withLogo = FixtureSchema.parse({ ...fixture, partners: fixture.partners.map((p) => ({ ...p, logo_url: `${host.origin}/nepa.png` })) });
    const server = await backend({ fixture: withLogo });
    const service = new ProvisioningService({ apiEndpoint: server.url, stateDir: join(await tempDir(), 'msp'), caFile: host.certPath, identity: { sysfsRoot: join(await tempDir(), 'none'), readHostname: () => TEST_IDENTITY.hostname } });
    try {
      expect(await service.partnerLogo()).toBeNull();
      expect(host.requests).toEqual([]);
      const result = await service.provision({ code: PENDING_CODE });
      expect(result.ok).toBe(true);
      const logo = await service.partnerLogo();
      expect(logo).toEqual({ mime: 'image/png', base64: PNG.toString('base64') });
      expect(await service.partnerLogo()).toEqual(logo);
      expect(host.requests.map((r) => r.path)).toEqual(['/nepa.png']);
    } finally {
      service.stop();
    }
  });

  it('is none, and provisioning unharmed, when the logo cannot be used', async () => {
    const host = await logoHost({ '/nepa.svg': send('image/svg+xml', SVG) });
    const fixture = defaultFixture();
    const withLogo = FixtureSchema.parse({ ...fixture, partners: fixture.partners.map((p) => ({ ...p, logo_url: `${host.origin}/nepa.svg` })) });
    const server = await backend({ fixture: withLogo });
    const service = new ProvisioningService({ apiEndpoint: server.url, stateDir: join(await tempDir(), 'msp'), caFile: host.certPath, identity: { sysfsRoot: join(await tempDir(), 'none'), readHostname: () => TEST_IDENTITY.hostname } });
    try {
      const result = await service.provision({ code: PENDING_CODE });
      expect(result).toMatchObject({ ok: true, data: { partner: { logo_url: `${host.origin}/nepa.svg` } } });
      expect(await service.partnerLogo()).toBeNull();
    } finally {
      service.stop();
    }
  });
});
