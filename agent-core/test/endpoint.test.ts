import { describe, expect, it } from 'vitest';
import { apiUrl, endpointToString, isAllowedEndpoint, isLoopbackHost, parseApiEndpoint } from '../src/http/endpoint.js';

describe('API endpoint policy', () => {
  it('accepts https and strips a trailing slash', () => {
    const result = parseApiEndpoint('https://api.osiriscare.net/');
    expect(result.ok && result.data.href).toBe('https://api.osiriscare.net/');
    expect(result.ok && apiUrl(result.data, '/api/provision/claim').href).toBe('https://api.osiriscare.net/api/provision/claim');
    // The root keeps the one slash a URL always has; a base path loses every trailing one.
    const based = parseApiEndpoint('https://lab.example/central//');
    expect(based.ok && based.data.pathname).toBe('/central');
    expect(based.ok && endpointToString(based.data)).toBe('https://lab.example/central');
  });

  it('keeps a base path', () => {
    const result = parseApiEndpoint('https://lab.example/central/');
    expect(result.ok && apiUrl(result.data, '/api/provision/claim').href).toBe('https://lab.example/central/api/provision/claim');
  });

  it.each(['http://127.0.0.1:8080', 'http://127.8.9.10', 'http://[::1]:3000', 'http://localhost:1234'])('accepts plain http to loopback %s', (url) => {
    expect(parseApiEndpoint(url).ok).toBe(true);
  });

  it.each(['http://api.osiriscare.net', 'http://10.0.0.5', 'http://192.168.1.10:8080', 'http://localhost.evil.example', 'http://backend.localhost:8080', 'http://LOCALHOST.localhost', 'http://[2001:db8::1]', 'http://[::ffff:10.0.0.1]', 'http://0.0.0.0'])('refuses plain http to %s (attack finding 8: loopback by literal address, or localhost itself, only)', (url) => {
    const result = parseApiEndpoint(url);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toContain('https');
  });

  it('refuses credentials, queries, other schemes and garbage', () => {
    for (const url of ['https://user:pw@api.osiriscare.net', 'https://api.osiriscare.net/?x=1', 'ftp://api.osiriscare.net', 'not a url']) {
      expect(parseApiEndpoint(url).ok, url).toBe(false);
    }
  });

  it.each([
    ['a user name alone', 'https://user@api.osiriscare.net', 'API endpoint must not contain a user name or password'],
    ['a password alone', 'https://:secret@api.osiriscare.net', 'API endpoint must not contain a user name or password'],
    ['both', 'https://user:secret@api.osiriscare.net', 'API endpoint must not contain a user name or password'],
    ['a query', 'https://api.osiriscare.net/?x=1', 'API endpoint must not contain a query or fragment'],
    ['a fragment', 'https://api.osiriscare.net/#x', 'API endpoint must not contain a query or fragment'],
    ['another scheme', 'ftp://api.osiriscare.net', 'API endpoint must be an https URL, not ftp:'],
    ['no URL at all', 'not a url', 'API endpoint is not a URL: "not a url"'],
  ])('refuses an endpoint with %s and says why', (_label, url, reason) => {
    expect(parseApiEndpoint(url)).toMatchObject({ ok: false, code: 'usage', error: reason });
  });

  it('names the host and the rule when refusing plain http', () => {
    const result = parseApiEndpoint('http://api.osiriscare.net');
    expect(result).toMatchObject({ ok: false, code: 'usage', error: 'Refusing plain http to api.osiriscare.net: the API endpoint must use https' });
    expect(!result.ok && result.hint).toContain('Only the loopback host');
  });

  it('knows which hosts are loopback', () => {
    expect(isLoopbackHost('127.0.0.1')).toBe(true);
    expect(isLoopbackHost('[::1]')).toBe(true);
    expect(isLoopbackHost('[0:0:0:0:0:0:0:1]')).toBe(true);
    expect(isLoopbackHost('[::ffff:127.0.0.1]')).toBe(true);
    expect(isLoopbackHost('localhost')).toBe(true);
    expect(isLoopbackHost('128.0.0.1')).toBe(false);
    expect(isLoopbackHost('[2001:db8::1]')).toBe(false);
    expect(isLoopbackHost('foo.localhost')).toBe(false);
    expect(isLoopbackHost('localhost.example.com')).toBe(false);
  });

  it('matches allow-list entries by scheme, host, port and path', () => {
    const url = (s: string) => {
      const r = parseApiEndpoint(s);
      if (!r.ok) throw new Error(r.error);
      return r.data;
    };
    expect(isAllowedEndpoint(url('https://api.osiriscare.net/'), ['https://api.osiriscare.net'])).toBe(true);
    expect(isAllowedEndpoint(url('https://api.osiriscare.net:8443'), ['https://api.osiriscare.net'])).toBe(false);
    expect(isAllowedEndpoint(url('https://api.osiriscare.net.evil.example'), ['https://api.osiriscare.net'])).toBe(false);
  });
});
