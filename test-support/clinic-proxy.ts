import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect, type AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { createApp } from '../mock-server/src/app.js';
import { useServersClosedAfterEach } from './closed-after-each.js';
import { makeLocalhostCert } from './tls.js';

/** A name that resolves nowhere: only the proxy can reach it (as a clinic that forces a proxy). */
export const BACKEND_HOST = 'api.osiriscare.test';

export interface ClinicProxy {
  readonly url: string;
  /** What it was asked to tunnel to, in order. */
  readonly tunnels: string[];
  /** An HTTPS proxy: the protocol each client chose (ALPN), `false` for none. */
  readonly alpn: (string | false | null)[];
}

/**
 * A clinic's forward proxy and the backend behind it, closed after each test: CONNECT tunnels,
 * every host sent to the local HTTPS backend. An HTTPS proxy (`tls` given) offers h2 first, as a
 * modern one does.
 */
export function useClinicProxy(tempDir: () => Promise<string>) {
  const track = useServersClosedAfterEach();
  const listen = async (server: Server) => {
    track(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return (server.address() as AddressInfo).port;
  };

  async function proxyTo(backendPort: number, tls?: { readonly key: string; readonly cert: string }): Promise<ClinicProxy> {
    const tunnels: string[] = [];
    const alpn: (string | false | null)[] = [];
    const refuse = (_req: unknown, res: { writeHead: (status: number) => { end: () => void } }) => { res.writeHead(405).end(); };
    const proxy = tls === undefined ? createHttpServer(refuse) : createHttpsServer({ ...tls, ALPNProtocols: ['h2', 'http/1.1'] }, refuse);
    proxy.on('secureConnection', (socket: TLSSocket) => alpn.push(socket.alpnProtocol));
    proxy.on('connect', (req: { url?: string }, client: import('node:stream').Duplex) => {
      tunnels.push(req.url ?? '');
      const upstream = connect(backendPort, '127.0.0.1', () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.pipe(client);
        client.pipe(upstream);
      });
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
    });
    return { url: `${tls === undefined ? 'http' : 'https'}://127.0.0.1:${await listen(proxy)}`, tunnels, alpn };
  }

  async function httpsBackend() {
    const { key, cert, certPath } = makeLocalhostCert(await tempDir(), [BACKEND_HOST]);
    const mock = createApp({ rateLimit: false, apiEndpoint: `https://${BACKEND_HOST}` });
    const handle = mock.app.callback();
    const port = await listen(createHttpsServer({ key, cert }, (req, res) => { void handle(req, res); }));
    return { port, certPath, mock };
  }

  return { proxyTo, httpsBackend };
}
