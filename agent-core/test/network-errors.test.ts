import { describe, expect, it } from 'vitest';
import { classifyNetworkError } from '../src/http/network-errors.js';
import { backoffDelay, DEFAULT_RETRY_POLICY, parseRetryAfter } from '../src/http/retry.js';

const wrapped = (code: string) => Object.assign(new Error('fetch failed'), { cause: Object.assign(new Error(code), { code }) });

describe('classifyNetworkError', () => {
  it.each([
    ['ENOTFOUND', 'unreachable', false, 'DNS'],
    ['ECONNREFUSED', 'unreachable', false, 'refused'],
    ['EHOSTUNREACH', 'unreachable', false, 'gateway'],
    ['UND_ERR_CONNECT_TIMEOUT', 'timeout', false, 'firewall'],
    ['UND_ERR_HEADERS_TIMEOUT', 'timeout', true, 'firewall'],
    ['ECONNRESET', 'unreachable', true, 'ECONNRESET'],
  ])('maps %s to %s (request possibly sent: %s)', (code, errorCode, maybeSent, hint) => {
    const { failure, maybeSent: sent } = classifyNetworkError(wrapped(code), 'api.osiriscare.net');
    expect(failure.code).toBe(errorCode);
    expect(sent).toBe(maybeSent);
    expect(failure.hint).toContain(hint);
  });

  it('points at the clock for an expired or not-yet-valid certificate', () => {
    const { failure } = classifyNetworkError(wrapped('CERT_NOT_YET_VALID'), 'api.osiriscare.net');
    expect(failure).toMatchObject({ code: 'tls' });
    expect(failure.hint).toContain('clock');
  });

  it('points at an intercepting proxy for an untrusted chain', () => {
    const { failure } = classifyNetworkError(wrapped('SELF_SIGNED_CERT_IN_CHAIN'), 'api.osiriscare.net');
    expect(failure.hint).toContain('TLS-intercepting proxy');
  });
});

describe('retry timing', () => {
  it('reads Retry-After as seconds or as a date', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter(new Date(10_000 + 5_000).toUTCString(), 10_000)).toBe(5000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });

  it('backs off exponentially with full jitter, capped', () => {
    const max = { ...DEFAULT_RETRY_POLICY, random: () => 1 };
    expect([0, 1, 2, 3, 10].map((n) => backoffDelay(max, n))).toEqual([500, 1000, 2000, 4000, 8000]);
    expect(backoffDelay({ ...DEFAULT_RETRY_POLICY, random: () => 0 }, 3)).toBe(0);
  });
});
