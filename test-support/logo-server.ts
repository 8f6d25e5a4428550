import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { crc32, deflateSync } from 'node:zlib';
import { makeLocalhostCert } from './tls.js';

/** A real PNG, `width`×`height` in one colour: what a partner's CDN would serve as a logo. */
export function solidPng(width: number, height: number, rgb: readonly [number, number, number] = [37, 99, 235]): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB, no interlace
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: width }, () => rgb).flat())]);
  const pixels = deflateSync(Buffer.concat(Array.from({ length: height }, () => row)));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', pixels), chunk('IEND', Buffer.alloc(0))]);
}

export type LogoRoute = (response: ServerResponse) => void;

export interface LogoServer {
  /** https://127.0.0.1:<port> (the certificate names the address too) */
  readonly origin: string;
  /** The certificate to trust (the service's `caFile`). */
  readonly certPath: string;
  /** Every request's path and headers, in order. */
  readonly requests: { path: string; headers: IncomingHttpHeaders }[];
  close(): Promise<void>;
}

/** A partner's logo host over real TLS on loopback, with a self-signed certificate. */
export async function startLogoServer(dir: string, routes: Readonly<Record<string, LogoRoute>>): Promise<LogoServer> {
  const { key, cert, certPath } = makeLocalhostCert(dir);
  const requests: LogoServer['requests'] = [];
  // Offering h2 first, as a CDN does: the engine must still speak HTTP/1.1 to it.
  const server = createServer({ key, cert, ALPNProtocols: ['h2', 'http/1.1'] }, (request, response) => {
    const path = request.url ?? '/';
    requests.push({ path, headers: request.headers });
    const route = routes[path];
    if (route === undefined) response.writeHead(404).end();
    else route(response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `https://127.0.0.1:${port}`,
    certPath,
    requests,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => { resolve(); });
    }),
  };
}
