import { describe, expect, it } from 'vitest';
import { claimProvisionCode, validateProvisionCode } from '../src/protocol/api.js';
import { FAST_RETRY, PENDING_CODE, TEST_IDENTITY } from '../../test-support/backend.js';
import { CLAIM_PATH, claimBody, sendJson, useHostileServer, VALIDATE_PATH } from '../../test-support/hostile-server.js';

const hostile = useHostileServer();
const claim = (url: string, extra: object = {}) => claimProvisionCode(PENDING_CODE, { apiEndpoint: url, identity: TEST_IDENTITY, retry: FAST_RETRY, ...extra });
const validate = (url: string, extra: object = {}) => validateProvisionCode(PENDING_CODE, { apiEndpoint: url, retry: FAST_RETRY, ...extra });

describe('hostile or broken server responses', () => {
  it('rejects fields of the wrong type', async () => {
    const server = await hostile((_req, res) => { sendJson(res, 200, claimBody({ site_id: 123 })); });
    const result = await claim(server.url);
    expect(result).toMatchObject({ ok: false, code: 'bad-response' });
    expect(!result.ok && result.error).toContain('site_id');
  });

  it('accepts and ignores unknown fields', async () => {
    const server = await hostile((_req, res) => { sendJson(res, 200, claimBody({ wireguard_config: { peer: 'x' }, extra: [1, 2] })); });
    const result = await claim(server.url);
    expect(result.ok).toBe(true);
    expect(result.ok && Object.keys(result.data)).not.toContain('wireguard_config');
  });

  it('drops an unsafe partner colour instead of passing it on', async () => {
    const server = await hostile((_req, res) => { sendJson(res, 200, claimBody({ partner: { slug: 'p', brand_name: 'P', primary_color: 'red;background:url(x)' } })); });
    const result = await claim(server.url);
    expect(result.ok && result.data.partner.primary_color).toBeUndefined();
  });

  it('caps the response size', async () => {
    const server = await hostile((_req, res) => { sendJson(res, 200, `{"pad":"${'x'.repeat(2 * 1024 * 1024)}"}`); });
    const result = await claim(server.url);
    expect(result).toMatchObject({ ok: false, code: 'bad-response' });
    expect(!result.ok && result.error).toContain('too large');
  });

  it('times out on a body that trickles in too slowly', async () => {
    const server = await hostile((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"status":');
      // and then nothing more: the rest never comes
    });
    const result = await claim(server.url, { timeoutMs: 300 });
    expect(result).toMatchObject({ ok: false, code: 'timeout', error: 'Connection timed out' });
  });

  it('does not follow redirects', async () => {
    const server = await hostile((req, res) => {
      if (req.url === CLAIM_PATH) {
        res.writeHead(307, { location: '/elsewhere' });
        res.end();
      } else sendJson(res, 200, claimBody());
    });
    const result = await claim(server.url);
    expect(result).toMatchObject({ ok: false, code: 'bad-response' });
    expect(!result.ok && result.error).toContain('redirect');
    expect(server.hits.get('/elsewhere')).toBeUndefined();
  });

  it('rejects a body that is not JSON', async () => {
    const server = await hostile((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html>Blocked by your network administrator</html>');
    });
    expect(await claim(server.url)).toMatchObject({ ok: false, code: 'bad-response', error: 'Server answered with something that is not JSON' });
  });

  it('keeps a hostile error detail to one bounded printable line', async () => {
    const server = await hostile((_req, res) => { sendJson(res, 418, { detail: `line1\n\u001b[31mred\r${'z'.repeat(5000)}` }); });
    const result = await claim(server.url);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).not.toMatch(/[\n\r]/);
    expect(result.error).not.toContain('\u001b');
    expect(result.error.length).toBeLessThan(300);
  });
});

describe('retries', () => {
  it('retries an idempotent call on 5xx and succeeds when the server recovers', async () => {
    const server = await hostile((_req, res, hit) => {
      if (hit < 3) sendJson(res, 503, { detail: 'warming up' });
      else sendJson(res, 200, { valid: true, partner: { brand_name: 'NEPA IT Solutions', primary_color: '#2563EB' } });
    });
    expect(await validate(server.url)).toMatchObject({ ok: true });
    expect(server.hits.get(VALIDATE_PATH)).toBe(3);
  });

  it('gives up after the configured attempts with a server error', async () => {
    const server = await hostile((_req, res) => { sendJson(res, 502, { detail: 'bad gateway' }); });
    expect(await validate(server.url, { retry: { ...FAST_RETRY, attempts: 4 } })).toMatchObject({ ok: false, code: 'server', error: 'Server error (HTTP 502)' });
    expect(server.hits.get(VALIDATE_PATH)).toBe(4);
  });

  it('never retries a claim the server may have acted on', async () => {
    const server = await hostile((_req, res) => { sendJson(res, 500, { detail: 'oops' }); });
    expect(await claim(server.url)).toMatchObject({ ok: false, code: 'server' });
    expect(server.hits.get(CLAIM_PATH)).toBe(1);
  });

  it('never retries a claim whose connection dropped after sending', async () => {
    const server = await hostile((req) => { req.socket.destroy(); });
    expect(await claim(server.url)).toMatchObject({ ok: false, code: 'unreachable' });
    expect(server.hits.get(CLAIM_PATH)).toBe(1);
  });

  it('honours Retry-After on 429, for a claim too (the server refused it unprocessed)', async () => {
    const server = await hostile((_req, res, hit) => {
      if (hit === 1) sendJson(res, 429, { detail: 'Too many requests' }, { 'retry-after': '1' });
      else sendJson(res, 200, claimBody());
    });
    expect(await claim(server.url)).toMatchObject({ ok: true });
    expect(server.hits.get(CLAIM_PATH)).toBe(2);
  });

  it('does not sleep through a Retry-After longer than it is willing to wait', async () => {
    const server = await hostile((_req, res) => { sendJson(res, 429, { detail: 'slow down' }, { 'retry-after': '3600' }); });
    const result = await claim(server.url);
    expect(result).toMatchObject({ ok: false, code: 'server' });
    expect(!result.ok && result.error).toContain('rate limited');
    expect(server.hits.get(CLAIM_PATH)).toBe(1);
  });
});

describe('cancellation', () => {
  it('reports a call cancelled by the caller as cancelled, not as a timeout', async () => {
    const server = await hostile(() => undefined);
    const controller = new AbortController();
    setTimeout(() => { controller.abort(); }, 100);
    expect(await validate(server.url, { signal: controller.signal })).toMatchObject({ ok: false, code: 'cancelled' });
  });
});
