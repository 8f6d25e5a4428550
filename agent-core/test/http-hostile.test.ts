import { describe, expect, it } from 'vitest';
import { claimProvisionCode, validateProvisionCode } from '../src/protocol/api.js';
import { FAST_RETRY, PENDING_CODE, TEST_IDENTITY } from '../../test-support/backend.js';
import { CLAIM_PATH, claimBody, sendJson, useHostileServer, VALIDATE_PATH } from '../../test-support/hostile-server.js';

const hostile = useHostileServer();
const claim = (url: string, extra: object = {}) => claimProvisionCode(PENDING_CODE, { apiEndpoint: url, identity: TEST_IDENTITY, retry: FAST_RETRY, ...extra });
const validate = (url: string, extra: object = {}) => validateProvisionCode(PENDING_CODE, { apiEndpoint: url, retry: FAST_RETRY, ...extra });

describe('hostile or broken server responses', () => {
  it('names an essential field of the wrong type and keeps the raw answer (the code is spent)', async () => {
    const server = await hostile((_req, res) => { sendJson(res, 200, claimBody({ site_id: 123 })); });
    const result = await claim(server.url);
    expect(result).toMatchObject({ ok: false, code: 'bad-response', error: 'Central Command accepted the code but its answer lacks site_id' });
    expect(!result.ok && (result as { received?: string }).received).toContain('"site_id":123');
  });

  it('names every missing essential: a claim answer without an api_key is not made usable by inventing one', async () => {
    const server = await hostile((_req, res) => { sendJson(res, 200, claimBody({ api_key: null, appliance_id: '' })); });
    expect(await claim(server.url)).toMatchObject({ ok: false, error: 'Central Command accepted the code but its answer lacks appliance_id, api_key' });
  });

  it('accepts and ignores unknown fields', async () => {
    const server = await hostile((_req, res) => { sendJson(res, 200, claimBody({ wireguard_config: { peer: 'x' }, extra: [1, 2] })); });
    const result = await claim(server.url);
    expect(result.ok).toBe(true);
    expect(result.ok && JSON.stringify(result.data)).not.toContain('wireguard_config');
  });

  it('drops an unsafe partner colour instead of passing it on, with a warning', async () => {
    const server = await hostile((_req, res) => { sendJson(res, 200, claimBody({ partner: { slug: 'p', brand_name: 'P', primary_color: 'red;background:url(x)' } })); });
    const result = await claim(server.url);
    expect(result.ok && result.data.site.partner.primary_color).toBeUndefined();
    expect(result.ok && result.data.warnings).toEqual(['ignored partner colour: not a #RRGGBB colour']);
  });

  it('keeps a claim whose cosmetic fields are null, too long or full of control characters, cleaning them with warnings', async () => {
    const server = await hostile((_req, res) => {
      sendJson(res, 200, claimBody({ message: null, config: null, partner: { slug: 'nepa\u001b[2J', brand_name: `B${'r'.repeat(1000)}`, primary_color: null, logo_url: 'javascript:alert(1)' } }));
    });
    const result = await claim(server.url);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.data.site.partner.slug).toBe('nepa [2J');
    expect(result.data.site.partner.brand_name).toHaveLength(201);
    expect(result.data.site.partner).not.toHaveProperty('logo_url');
    expect(result.data.site.settings).toEqual({});
    expect(result.data.warnings).toHaveLength(3);
  });

  it('keeps a 1,000-character server message as a cleaned, bounded one', async () => {
    const server = await hostile((_req, res) => { sendJson(res, 200, claimBody({ message: `Welcome\u2028${'m'.repeat(1000)}` })); });
    const result = await claim(server.url);
    expect(result.ok && result.data.site.message?.length).toBe(501);
    expect(result.ok && result.data.site.message).not.toContain('\u2028');
  });

  it.each([
    ['plain http to a remote host', 'http://203.0.113.7:8080'],
    ['a user name and password', 'https://user:secret@api.osiriscare.net'],
    ['not a URL', 'api.osiriscare.net'],
  ])('does not let the server downgrade the agent endpoint to %s (attack finding 7)', async (_label, endpoint) => {
    const server = await hostile((_req, res) => { sendJson(res, 200, claimBody({ api_endpoint: endpoint })); });
    const result = await claim(server.url);
    expect(result.ok && result.data.site).not.toHaveProperty('api_endpoint');
    expect(result.ok && result.data.warnings.join(' ')).toContain('keeps the provisioning endpoint');
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

  it.each([
    [502, '<html><body>502 Bad Gateway</body></html>'],
    [403, '<html>Access denied by the clinic proxy</html>'],
    [500, 'Internal Server Error'],
  ])('reads a non-JSON %i error body (a proxy page, a crashed backend) as a server error, not a crash', async (status, body) => {
    const server = await hostile((_req, res) => {
      res.writeHead(status, { 'content-type': 'text/html' });
      res.end(body);
    });
    const result = await validate(server.url, { retry: { ...FAST_RETRY, attempts: 1 } });
    expect(result).toMatchObject({ ok: false, code: 'server' });
    expect(!result.ok && result.error).toContain(`HTTP ${status}`);
  });

  it('keeps a hostile error detail to one bounded printable line', async () => {
    const server = await hostile((_req, res) => { sendJson(res, 418, { detail: `line1\n\u001b[31mred\r\u202Eevil${'z'.repeat(5000)}` }); });
    const result = await claim(server.url);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toMatch(/^Server rejected the request \(HTTP 418\): line1 \[31mred evilz+…$/);
    for (const unsafe of ['\n', '\r', '\u001b', '\u202E']) expect(result.error).not.toContain(unsafe);
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
