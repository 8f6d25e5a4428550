import { createServer as createHttpsServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { bySchema, HttpClient, type CallSpec } from '../src/http/client.js';
import { Agent } from '../src/http/undici.js';
import { VERSION } from '../src/version.js';
import { FAST_RETRY, useTempDir } from '../../test-support/backend.js';
import { sendJson, useHostileServer } from '../../test-support/hostile-server.js';
import { useHttpClients } from '../../test-support/http-clients.js';
import { makeLocalhostCert } from '../../test-support/tls.js';

const hostile = useHostileServer();
const tempDir = useTempDir();
const { clientFor, closeAfterTest } = useHttpClients();

const Answer = z.object({ path: z.string() });
const get = (path: string, extra: Partial<CallSpec<{ path: string }>> = {}): CallSpec<{ path: string }> => ({ method: 'GET', path, decode: bySchema(Answer), idempotent: true, ...extra });
const claim = (path: string): CallSpec<{ path: string }> => ({ method: 'POST', path, body: { code: 'ABCD1234EFGH5678' }, decode: bySchema(Answer), idempotent: false });

/**
 * A server that holds its answer to `/first` until another request has arrived (or, should none
 * come, until `holdMs` has passed), and logs what it saw and sent in order.
 */
async function holdingServer(holdMs: number) {
  const log: string[] = [];
  let release: () => void = () => undefined;
  const server = await hostile((req, res) => {
    const path = req.url ?? '';
    log.push(`request ${path}`);
    res.on('finish', () => log.push(`answered ${path}`));
    if (path === '/first') {
      const answer = () => {
        clearTimeout(fallback);
        if (!res.headersSent) sendJson(res, 200, { path });
      };
      const fallback = setTimeout(answer, holdMs);
      release = answer;
    } else {
      release();
      sendJson(res, 200, { path });
    }
  });
  return { url: server.url, log };
}

describe('one connection, shared by calls that may be pipelined', () => {
  it('sends a second pipelined call on the connection while the first is still waiting for its answer', async () => {
    const server = await holdingServer(10_000);
    const client = clientFor(server.url);
    const [first, second] = await Promise.all([client.call(get('/first', { pipelined: true })), client.call(get('/second', { pipelined: true }))]);
    expect(first).toEqual({ ok: true, data: { path: '/first' } });
    expect(second).toEqual({ ok: true, data: { path: '/second' } });
    expect(server.log.slice(0, 2)).toEqual(['request /first', 'request /second']);
  });

  it('never sends a claim behind a call in flight: it goes once the earlier answer has arrived', async () => {
    const server = await holdingServer(300);
    const client = clientFor(server.url);
    const [first, second] = await Promise.all([client.call(get('/first', { pipelined: true })), client.call(claim('/claim'))]);
    expect(first.ok && second.ok).toBe(true);
    expect(server.log).toEqual(['request /first', 'answered /first', 'request /claim', 'answered /claim']);
  });

  it('does not pipeline a call behind one that was not marked as harmless to repeat', async () => {
    const server = await holdingServer(300);
    const client = clientFor(server.url);
    const [first, second] = await Promise.all([client.call(get('/first')), client.call(get('/second', { pipelined: true }))]);
    expect(first.ok && second.ok).toBe(true);
    expect(server.log).toEqual(['request /first', 'answered /first', 'request /second', 'answered /second']);
  });
});

describe('what every call sends', () => {
  it('asks for JSON as osiris-provision/<version>, with a JSON body only when there is one, and the extra headers', async () => {
    const seen: { method?: string; headers: Record<string, unknown>; body: string }[] = [];
    const server = await hostile((req, res, _hit, body) => {
      seen.push({ method: req.method, headers: req.headers, body });
      sendJson(res, 200, { path: req.url });
    });
    const client = clientFor(server.url);
    expect(await client.call(get('/status', { headers: { authorization: 'Bearer k' } }))).toMatchObject({ ok: true });
    expect(await client.call(claim('/claim'))).toMatchObject({ ok: true });
    const [status, claimed] = seen;
    expect(status?.method).toBe('GET');
    expect(status?.headers).toMatchObject({ accept: 'application/json', 'user-agent': `osiris-provision/${VERSION}`, authorization: 'Bearer k' });
    expect(status?.headers).not.toHaveProperty('content-type');
    expect(status?.body).toBe('');
    expect(claimed?.method).toBe('POST');
    expect(claimed?.headers).toMatchObject({ accept: 'application/json', 'content-type': 'application/json' });
    expect(claimed?.body).toBe('{"code":"ABCD1234EFGH5678"}');
  });
});

describe('the connection pool', () => {
  it('is closed with the client: no call goes out once the client is closed', async () => {
    const server = await hostile((req, res) => { sendJson(res, 200, { path: req.url }); });
    const created = HttpClient.create({ endpoint: new URL(server.url), retry: FAST_RETRY });
    if (!created.ok) throw new Error(created.error);
    expect(await created.data.call(get('/before'))).toMatchObject({ ok: true });
    await created.data.close();
    expect(await created.data.call(get('/after'))).toMatchObject({ ok: false, code: 'unreachable' });
    expect([...server.hits.keys()]).toEqual(['/before']);
  });

  it("is the caller's own when supplied: used for the calls, and left open when the client closes", async () => {
    // Only the supplied pool trusts this server's certificate: a pool of the client's own would refuse it.
    const { key, cert } = makeLocalhostCert(await tempDir());
    const server: Server = createHttpsServer({ key, cert }, (req, res: ServerResponse) => { sendJson(res, 200, { path: req.url }); });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    closeAfterTest(() => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => { resolve(); }); }));
    const dispatcher = new Agent({ connect: { ca: cert } });
    closeAfterTest(() => dispatcher.close());
    const endpoint = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;

    const first = HttpClient.create({ endpoint: new URL(endpoint), dispatcher, retry: FAST_RETRY });
    if (!first.ok) throw new Error(first.error);
    expect(await first.data.call(get('/one'))).toEqual({ ok: true, data: { path: '/one' } });
    await first.data.close();

    const second = clientFor(endpoint, { dispatcher });
    expect(await second.call(get('/two'))).toEqual({ ok: true, data: { path: '/two' } });
  });
});
