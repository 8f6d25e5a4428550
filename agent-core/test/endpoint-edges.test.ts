import { describe, expect, it } from 'vitest';
import { apiUrl, isLoopbackAddress, isLoopbackHost, parseApiEndpoint } from '../src/http/endpoint.js';

// The edges of the endpoint rule that endpoint.test.ts leaves open: what surrounds a pasted URL,
// spellings of IPv6 addresses that only look like loopback, and base paths that look like schemes.

describe('an endpoint pasted with invisible characters around it', () => {
  it.each([
    ['a no-break space (copied from a web page or an e-mail)', '\u00A0https://api.osiriscare.net\u00A0'],
    ['a byte-order mark (read from a file saved by Notepad)', '\uFEFFhttps://api.osiriscare.net'],
    ['an ideographic space', '\u3000https://api.osiriscare.net'],
  ])('is read as the URL itself when wrapped in %s', (_label, input) => {
    const result = parseApiEndpoint(input);
    expect(result.ok && result.data.href).toBe('https://api.osiriscare.net/');
  });
});

describe('loopback by literal address, spelled every way', () => {
  it('counts the fully written-out ::1 (four zeros a group) as loopback', () => {
    expect(isLoopbackAddress('0000:0000:0000:0000:0000:0000:0000:0001')).toBe(true);
    expect(isLoopbackHost('[0000:0000:0000:0000:0000:0000:0000:0001]')).toBe(true);
  });

  it.each([
    ['ends in 0:…:0:1 but starts with another group', '10:0:0:0:0:0:0:1'],
    ['is all zeros but ends in 10, not 1', '0:0:0:0:0:0:0:10'],
    ['carries ::ffff:127. after a leading group (not an IPv4-mapped address)', '1::ffff:127.0.0.1'],
  ])('refuses an IPv6 address that %s', (_label, address) => {
    expect(isLoopbackAddress(address)).toBe(false);
    expect(isLoopbackHost(`[${address}]`)).toBe(false);
  });

  it('refuses text that only starts like an IPv4-mapped loopback address and is no address at all', () => {
    expect(isLoopbackAddress('::ffff:127.0.0.1.evil.example')).toBe(false);
  });
});

describe('joining a base path and an API path', () => {
  it('keeps a base path that holds a colon on the endpoint, never reading it as a scheme', () => {
    const endpoint = parseApiEndpoint('https://lab.example/v1:beta');
    expect(endpoint.ok && apiUrl(endpoint.data, '/api/provision/claim').href).toBe('https://lab.example/v1:beta/api/provision/claim');
  });

  it('sends every call to the endpoint\'s own host, even when its base path starts with // (which a URL would read as another host)', () => {
    for (const input of ['https://api.osiriscare.net//evil.example', 'https://api.osiriscare.net///evil.example/x', 'http://localhost:8080//evil.example']) {
      const endpoint = parseApiEndpoint(input);
      const url = endpoint.ok ? apiUrl(endpoint.data, '/api/provision/claim') : undefined;
      expect(url?.origin, input).toBe(new URL(input).origin);
      expect(url?.pathname.endsWith('/api/provision/claim'), input).toBe(true);
    }
  });
});
