import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { useServersClosedAfterEach } from './closed-after-each.js';

/** Called once the request's body has arrived (`body`, as text); `hit` counts requests to that path. */
export type Handler = (req: IncomingMessage, res: ServerResponse, hit: number, body: string) => void;

export interface HostileServer {
  readonly url: string;
  /** Requests received per path. */
  readonly hits: Map<string, number>;
}

/** A bare HTTP server whose every answer the test scripts: wrong types, huge or slow bodies, resets. */
export function useHostileServer(): (handler: Handler) => Promise<HostileServer> {
  const track = useServersClosedAfterEach();
  return async (handler) => {
    const hits = new Map<string, number>();
    const server = createServer((req, res) => {
      const path = req.url ?? '/';
      const hit = (hits.get(path) ?? 0) + 1;
      hits.set(path, hit);
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => { handler(req, res, hit, Buffer.concat(chunks).toString('utf8')); });
    });
    track(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return { url: `http://127.0.0.1:${port}`, hits };
  };
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}

export const CLAIM_PATH = '/api/provision/claim';
export const VALIDATE_PATH = '/api/provision/validate/ABCD1234EFGH5678';

export function claimBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    status: 'claimed',
    site_id: 'partner-clinic-abc123',
    appliance_id: 'partner-clinic-abc123-84:3A:5B:91:B6:61',
    partner: { slug: 'nepa-it', brand_name: 'NEPA IT Solutions', primary_color: '#2563EB' },
    api_endpoint: 'https://api.osiriscare.net',
    api_key: 'k'.repeat(43),
    ...overrides,
  };
}
