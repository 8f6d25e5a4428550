import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { bySchema, type CallSpec } from '../src/http/client.js';
import { Agent } from '../src/http/undici.js';
import { fail } from '../src/result.js';
import { FAST_RETRY, useTempDir } from '../../test-support/backend.js';
import { sendJson, useHostileServer } from '../../test-support/hostile-server.js';
import { useHttpClients } from '../../test-support/http-clients.js';
import { makeLocalhostCert } from '../../test-support/tls.js';

const hostile = useHostileServer();
const tempDir = useTempDir();
const { clientFor, closeAfterTest } = useHttpClients();

async function listening(server: Server, port = 0): Promise<number> {
  closeAfterTest(() => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); }));
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

const Answer = z.object({ ok: z.literal(true) });
const check: CallSpec<unknown> = { method: 'GET', path: '/check', decode: bySchema(Answer), idempotent: true };
const claim: CallSpec<unknown> = { method: 'POST', path: '/claim', body: { code: 'ABCD1234EFGH5678' }, decode: bySchema(Answer), idempotent: false };
/** A backoff long enough that only a deadline or a cancellation can end the wait. */
const LONG_WAIT = { baseDelayMs: 20_000, maxDelayMs: 20_000, random: () => 1 };
const RATE_LIMITED = 'Server is busy (rate limited); try again in a minute';

describe('what is sent again after a network failure', () => {
  it('retries a claim refused before anything was sent: it reaches the server once that listens', async () => {
    const free = createNetServer();
    const port = await new Promise<number>((resolve) => free.listen(0, '127.0.0.1', () => { resolve((free.address() as AddressInfo).port); }));
    await new Promise((resolve) => free.close(resolve));
    const claims: string[] = [];
    const server = createHttpServer((req, res) => { claims.push(req.url ?? ''); sendJson(res, 200, { ok: true }); });
    let started: Promise<number> | undefined;
    // The backoff's coin is tossed once the first try failed: the backend comes up then.
    const random = () => { started ??= listening(server, port); return 0; };
    const client = clientFor(`http://127.0.0.1:${port}`, { retry: { ...FAST_RETRY, random } });
    expect(await client.call(claim)).toEqual({ ok: true, data: { ok: true } });
    expect(started).toBeDefined();
    expect(claims).toEqual(['/claim']);
  });

  it('retries an idempotent call whose connection dropped after sending', async () => {
    const server = await hostile((req, res, hit) => {
      if (hit === 1) req.socket.destroy();
      else sendJson(res, 200, { ok: true });
    });
    expect(await clientFor(server.url).call(check)).toEqual({ ok: true, data: { ok: true } });
    expect(server.hits.get('/check')).toBe(2);
  });

  it('never retries a certificate it cannot trust, not even for an idempotent call', async () => {
    const { key, cert } = makeLocalhostCert(await tempDir());
    let connections = 0;
    const server = createHttpsServer({ key, cert }, (_req, res) => { sendJson(res, 200, { ok: true }); });
    server.on('connection', () => { connections += 1; });
    const port = await listening(server);
    const result = await clientFor(`https://127.0.0.1:${port}`).call(check);
    expect(result).toMatchObject({ ok: false, code: 'tls', error: 'Secure connection to server failed (DEPTH_ZERO_SELF_SIGNED_CERT)' });
    expect(connections).toBe(1);
  });
});

describe('rate limiting (429)', () => {
  it('backs off and tries again when no Retry-After says how long, up to the attempts allowed', async () => {
    const server = await hostile((_req, res) => { sendJson(res, 429, { detail: 'Too many requests' }); });
    const result = await clientFor(server.url, { retry: { ...FAST_RETRY, attempts: 3 } }).call(claim);
    expect(result).toEqual(fail('server', RATE_LIMITED));
    expect(server.hits.get('/claim')).toBe(3);
  });

  it('waits a Retry-After exactly as long as the longest wait it accepts', async () => {
    const server = await hostile((_req, res, hit) => {
      if (hit === 1) sendJson(res, 429, { detail: 'Too many requests' }, { 'retry-after': '1' });
      else sendJson(res, 200, { ok: true });
    });
    const result = await clientFor(server.url, { retry: { ...FAST_RETRY, retryAfterMaxMs: 1_000 } }).call(claim);
    expect(result).toEqual({ ok: true, data: { ok: true } });
    expect(server.hits.get('/claim')).toBe(2);
  });

  it('does not wait out a Retry-After after its last attempt: it says the server is busy', async () => {
    const server = await hostile((_req, res) => { sendJson(res, 429, { detail: 'Too many requests' }, { 'retry-after': '20' }); });
    const result = await clientFor(server.url).call({ ...claim, attempts: 1, timeoutMs: 1_000 });
    expect(result).toEqual(fail('server', RATE_LIMITED));
    expect(server.hits.get('/claim')).toBe(1);
  });
});

describe('deadlines and cancellation', () => {
  it('sends nothing when a call is allowed no attempts, and fails as a timeout', async () => {
    const server = await hostile((_req, res) => { sendJson(res, 200, { ok: true }); });
    expect(await clientFor(server.url).call({ ...check, attempts: 0 })).toEqual(fail('timeout'));
    expect(server.hits.size).toBe(0);
  });

  it('reports a deadline that passes while waiting to retry as a timeout, not as the last server error', async () => {
    const server = await hostile((_req, res) => { sendJson(res, 503, { detail: 'warming up' }); });
    const result = await clientFor(server.url, { retry: LONG_WAIT }).call({ ...check, timeoutMs: 500 });
    expect(result).toEqual(fail('timeout'));
    expect(server.hits.get('/check')).toBe(1);
  });

  it('reports a caller cancelling while it waits to retry as cancelled, not as the last server error', async () => {
    const controller = new AbortController();
    const server = await hostile((_req, res) => { sendJson(res, 503, { detail: 'warming up' }); });
    // The backoff is drawn once the first answer is in: the caller cancels then, during the wait.
    const random = () => { controller.abort(); return 1; };
    const result = await clientFor(server.url, { retry: { ...LONG_WAIT, random } }).call(check, controller.signal);
    expect(result).toEqual(fail('cancelled'));
    expect(server.hits.get('/check')).toBe(1);
  });

  it('reports the deadline passing before any answer as the plain "Connection timed out"', async () => {
    const server = await hostile(() => undefined);
    expect(await clientFor(server.url).call({ ...claim, timeoutMs: 300 })).toEqual(fail('timeout'));
    expect(server.hits.get('/claim')).toBe(1);
  });

  it('reports the deadline passing in the middle of the body as the plain "Connection timed out"', async () => {
    const server = await hostile((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"ok":');
    });
    expect(await clientFor(server.url).call({ ...check, timeoutMs: 300 })).toEqual(fail('timeout'));
  });

  it("keeps the transport's own timeout, with its advice, when the deadline then passes while waiting to retry", async () => {
    const server = await hostile(() => undefined);
    const dispatcher = new Agent({ headersTimeout: 50 });
    closeAfterTest(() => dispatcher.close());
    const result = await clientFor(server.url, { dispatcher, retry: LONG_WAIT }).call({ ...check, timeoutMs: 1_000 });
    expect(result).toEqual({
      ...fail('timeout'),
      hint: "No answer from 127.0.0.1 in time. Check the network cable and that the clinic's firewall allows outbound HTTPS (TCP 443).",
    });
    expect(server.hits.get('/check')).toBe(1);
  });
});
