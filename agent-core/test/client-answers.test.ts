import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { bySchema, type CallSpec, type HttpErrorResponse } from '../src/http/client.js';
import { Agent } from '../src/http/undici.js';
import { fail } from '../src/result.js';
import { sendJson, useHostileServer } from '../../test-support/hostile-server.js';
import { useHttpClients } from '../../test-support/http-clients.js';

const hostile = useHostileServer();
const { clientFor, closeAfterTest } = useHttpClients();

const Site = z.object({ site: z.object({ id: z.string() }) });
const fetchSite: CallSpec<z.infer<typeof Site>> = { method: 'GET', path: '/site', decode: bySchema(Site), idempotent: true };
const postClaim: CallSpec<z.infer<typeof Site>> = { method: 'POST', path: '/claim', body: {}, decode: bySchema(Site), idempotent: false };

/** The client's answer to one scripted server reply. */
async function answerTo(status: number, body: string, spec: CallSpec<unknown> = postClaim) {
  const server = await hostile((_req, res) => { res.writeHead(status, { 'content-type': 'text/plain' }).end(body); });
  return { result: await clientFor(server.url).call(spec), hits: server.hits };
}

describe('a 2xx answer is decoded by its schema', () => {
  it('names the first field that does not match', async () => {
    const { result } = await answerTo(200, '{"site":{"id":7}}');
    expect(result).toEqual(fail('bad-response', 'Unexpected response from server (site.id: Invalid input: expected string, received number)'));
  });

  it('names the body itself when the whole answer is of the wrong kind', async () => {
    const { result } = await answerTo(200, '[1,2]');
    expect(result).toEqual(fail('bad-response', 'Unexpected response from server (body: Invalid input: expected object, received array)'));
  });
});

describe('answers that are not a success', () => {
  it('treats a 300 as a redirect it does not follow', async () => {
    const { result } = await answerTo(300, '{}');
    expect(result).toEqual(fail('bad-response', 'Server redirected the request (HTTP 300); provisioning does not follow redirects'));
  });

  it('rejects a 4xx without a FastAPI detail in those words alone, as not worth retrying', async () => {
    const { result, hits } = await answerTo(404, '<html><body>Not Found</body></html>', fetchSite);
    expect(result).toEqual({ ok: false, code: 'server', error: 'Server rejected the request (HTTP 404)', retryable: false });
    expect(hits.get('/site')).toBe(1);
  });

  it('reads a JSON null error body as one without a detail', async () => {
    const { result } = await answerTo(400, 'null');
    expect(result).toEqual({ ok: false, code: 'server', error: 'Server rejected the request (HTTP 400)', retryable: false });
  });

  it("shows a FastAPI validation detail (a list, not a string) as its JSON", async () => {
    const { result } = await answerTo(422, JSON.stringify({ detail: [{ loc: ['body', 'mac'], msg: 'field required' }] }));
    expect(result).toMatchObject({ ok: false, error: 'Server rejected the request (HTTP 422): [{"loc":["body","mac"],"msg":"field required"}]' });
  });

  it("hands the endpoint's mapping the status and the detail, and uses its answer", async () => {
    const seen: HttpErrorResponse[] = [];
    const mapError = (response: HttpErrorResponse) => {
      seen.push(response);
      return response.status === 409 ? fail('claimed') : undefined;
    };
    const server = await hostile((req, res) => {
      if (req.url === '/claim') sendJson(res, 409, { detail: 'Code already claimed' });
      else res.writeHead(410).end();
    });
    const client = clientFor(server.url);
    expect(await client.call({ ...postClaim, mapError })).toEqual(fail('claimed'));
    expect(await client.call({ ...fetchSite, mapError })).toMatchObject({ error: 'Server rejected the request (HTTP 410)' });
    expect(seen).toEqual([{ status: 409, detail: 'Code already claimed' }, { status: 410 }]);
  });
});

describe('the body as it arrives', () => {
  const site = '{"site":{"id":"s"}}';

  it('accepts an answer of exactly the size cap, and refuses one byte more', async () => {
    const server = await hostile((req, res) => { res.writeHead(200).end(req.url === '/site' ? site : `${site} `); });
    const client = clientFor(server.url, { maxResponseBytes: site.length });
    expect(await client.call(fetchSite)).toEqual({ ok: true, data: { site: { id: 's' } } });
    expect(await client.call({ ...fetchSite, path: '/bigger' })).toEqual(fail('bad-response', `Server response too large (over ${site.length} bytes)`));
  });

  it('lets go of an oversized answer still streaming in, so the next call on the client goes through', async () => {
    const server = await hostile((req, res) => {
      if (req.url === '/site') {
        res.writeHead(200).end(site);
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      // Far more than the cap and the socket buffers hold, and never finished.
      res.write(`{"pad":"${'x'.repeat(4 * 1024 * 1024)}`);
    });
    const client = clientFor(server.url, { maxResponseBytes: 1024, timeoutMs: 3_000 });
    expect(await client.call({ ...fetchSite, path: '/huge' })).toEqual(fail('bad-response', 'Server response too large (over 1024 bytes)'));
    expect(await client.call(fetchSite)).toEqual({ ok: true, data: { site: { id: 's' } } });
  });

  it('says the server closed the connection mid-response when the body is cut short', async () => {
    const server = await hostile((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      res.write('{"site":');
      setTimeout(() => { res.socket?.destroy(); }, 20);
    });
    expect(await clientFor(server.url).call(postClaim)).toEqual(fail('bad-response', 'Server closed the connection mid-response'));
  });

  it("reports the transport's own body timeout as a timeout, with its advice", async () => {
    const dispatcher = new Agent({ bodyTimeout: 50 });
    closeAfterTest(() => dispatcher.close());
    const server = await hostile((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"site":');
    });
    expect(await clientFor(server.url, { dispatcher }).call(postClaim)).toEqual({
      ...fail('timeout'),
      hint: "No answer from the server in time. Check the network cable and that the clinic's firewall allows outbound HTTPS (TCP 443).",
    });
  });
});

describe("the server's clock", () => {
  it('is read from the Date header, and kept when a later answer has none', async () => {
    const server = await hostile((req, res) => {
      if (req.url === '/claim') {
        res.sendDate = false;
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"site":{"id":"s"}}');
      } else sendJson(res, 200, { site: { id: 's' } }, { date: 'Sun, 04 Jan 2026 15:30:00 GMT' });
    });
    const client = clientFor(server.url);
    expect(client.lastServerDate).toBeUndefined();
    await client.call(postClaim);
    expect(client.lastServerDate).toBeUndefined();
    await client.call(fetchSite);
    expect(client.lastServerDate).toBe(Date.parse('2026-01-04T15:30:00Z'));
    await client.call(postClaim);
    expect(client.lastServerDate).toBe(Date.parse('2026-01-04T15:30:00Z'));
  });
});
