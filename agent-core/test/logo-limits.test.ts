import type { ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { fetchPartnerLogo, sniffImage } from '../src/http/logo.js';
import { Agent, type Dispatcher } from '../src/http/undici.js';
import { fail } from '../src/result.js';
import { useTempDir } from '../../test-support/backend.js';
import { solidPng } from '../../test-support/logo-server.js';
import { makeLocalhostCert } from '../../test-support/tls.js';

const tempDir = useTempDir();
const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

const PNG = solidPng(16, 16);

/**
 * A partner's logo host over TLS that keeps idle connections for ten minutes (so only the client
 * closes one), and records the headers it was sent and every connection's end.
 */
async function logoHost(route: (path: string, response: ServerResponse) => void) {
  const { key, cert, certPath } = makeLocalhostCert(await tempDir());
  const headers: Record<string, unknown>[] = [];
  const sockets: Socket[] = [];
  const server = createServer({ key, cert, keepAliveTimeout: 600_000 }, (request, response) => {
    headers.push(request.headers);
    response.setHeader('keep-alive', 'timeout=600');
    route(request.url ?? '/', response);
  });
  server.on('secureConnection', (socket) => { sockets.push(socket); });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); }));
  const origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const allClosed = () => Promise.all(sockets.map((socket) => new Promise((resolve) => { if (socket.closed) resolve(undefined); else socket.once('close', resolve); })));
  return { origin, certPath, cert, headers, allClosed };
}

const pngOf = (length?: number) => (_path: string, response: ServerResponse) => {
  response.writeHead(200, { 'content-type': 'image/png', ...(length === undefined ? {} : { 'content-length': String(length) }) });
  response.write(PNG.subarray(0, 8));
  response.end(PNG.subarray(8));
};
const asLogo = { ok: true, data: { mime: 'image/png', base64: PNG.toString('base64') } };

describe('the size cap, exactly', () => {
  it('takes a logo whose declared length is the cap itself', async () => {
    const host = await logoHost(pngOf(PNG.length));
    expect(await fetchPartnerLogo(`${host.origin}/logo.png`, { caFile: host.certPath, maxBytes: PNG.length })).toEqual(asLogo);
  });

  it('takes a logo of exactly the cap that arrives without a declared length', async () => {
    const host = await logoHost(pngOf());
    expect(await fetchPartnerLogo(`${host.origin}/logo.png`, { caFile: host.certPath, maxBytes: PNG.length })).toEqual(asLogo);
  });

  it('refuses one byte more, declared or not', async () => {
    const host = await logoHost((path, response) => { pngOf(path === '/declared.png' ? PNG.length : undefined)(path, response); });
    const cap = PNG.length - 1;
    expect(await fetchPartnerLogo(`${host.origin}/declared.png`, { caFile: host.certPath, maxBytes: cap })).toEqual(fail('bad-response', `The partner logo is too large (${PNG.length} bytes; at most ${cap})`));
    expect(await fetchPartnerLogo(`${host.origin}/streamed.png`, { caFile: host.certPath, maxBytes: cap })).toEqual(fail('bad-response', `The partner logo is too large (more than ${cap} bytes)`));
  });
});

describe('what is asked, and what is refused', () => {
  it('asks for the four raster types it accepts', async () => {
    const host = await logoHost(pngOf());
    await fetchPartnerLogo(`${host.origin}/logo.png`, { caFile: host.certPath });
    expect(host.headers[0]).toMatchObject({ accept: 'image/png, image/jpeg, image/gif, image/webp' });
  });

  it('refuses an answer other than 200, and bytes that are no image, as a bad response', async () => {
    const host = await logoHost((path, response) => {
      if (path === '/gone.png') response.writeHead(404).end();
      else response.writeHead(200, { 'content-type': 'image/png' }).end('GIF89b not quite');
    });
    expect(await fetchPartnerLogo(`${host.origin}/gone.png`, { caFile: host.certPath })).toEqual(fail('bad-response', 'The partner logo server answered HTTP 404'));
    expect(await fetchPartnerLogo(`${host.origin}/odd.png`, { caFile: host.certPath })).toEqual(fail('bad-response', 'The partner logo is not a PNG, JPEG, GIF or WebP image'));
  });

  it.each([
    ['not a URL', 'logo.png', 'The partner logo address is not a URL'],
    ['a user name without a password', 'https://partner@127.0.0.1:9/logo.png', 'The partner logo is not an https address'],
    ['a password without a user name', 'https://:secret@127.0.0.1:9/logo.png', 'The partner logo is not an https address'],
  ])('refuses %s as a bad response, asking nothing', async (_label, address, message) => {
    expect(await fetchPartnerLogo(address)).toEqual(fail('bad-response', message));
  });

  it('tells GIF and WebP by every byte of their signatures', () => {
    expect(sniffImage(Buffer.from('GIF89b\x01\x00', 'latin1'))).toBeUndefined();
    expect(sniffImage(Buffer.from('RIFX\x10\x00\x00\x00WEBPVP8 ', 'latin1'))).toBeUndefined();
    expect(sniffImage(Buffer.from('RIFF\x04\x00\x00\x00WEBP', 'latin1'))).toBe('image/webp');
    expect(sniffImage(Buffer.from('RIFF\x04\x00\x00\x00WEB', 'latin1'))).toBeUndefined();
  });
});

describe('the connection it uses', () => {
  it('closes its own pool once the logo is in: the host sees the connection end', async () => {
    const host = await logoHost(pngOf());
    expect(await fetchPartnerLogo(`${host.origin}/logo.png`, { caFile: host.certPath })).toEqual(asLogo);
    await host.allClosed();
  });

  it('closes its own pool after refusing a logo still streaming in past the cap', async () => {
    const host = await logoHost((_path, response) => {
      response.writeHead(200, { 'content-type': 'image/png' });
      // Far more than the cap and the socket buffers hold, and never finished.
      response.write(Buffer.concat([PNG, Buffer.alloc(4 * 1024 * 1024)]));
    });
    expect(await fetchPartnerLogo(`${host.origin}/logo.png`, { caFile: host.certPath, maxBytes: 1024 })).toEqual(fail('bad-response', 'The partner logo is too large (more than 1024 bytes)'));
    await host.allClosed();
  });

  it("uses a pool supplied by the caller, and leaves it open for the caller's next use", async () => {
    const host = await logoHost(pngOf());
    // Only this pool trusts the host's certificate (no caFile is given).
    const dispatcher: Dispatcher = new Agent({ connect: { ca: host.cert } });
    closers.push(() => dispatcher.close());
    expect(await fetchPartnerLogo(`${host.origin}/one.png`, { dispatcher })).toEqual(asLogo);
    expect(await fetchPartnerLogo(`${host.origin}/two.png`, { dispatcher })).toEqual(asLogo);
  });
});
