import type { LookupAddress, LookupOptions } from 'node:dns';
import { describe, expect, it } from 'vitest';
import { HttpClient } from '../src/http/client.js';
import { createDispatcher, loopbackOnlyLookup, trustedCas } from '../src/http/dispatcher.js';
import { fetchPartnerLogo } from '../src/http/logo.js';

interface Looked {
  readonly err: NodeJS.ErrnoException | null;
  readonly address: string | LookupAddress[];
  readonly family?: number;
}

function look(hostname: string, options: LookupOptions): Promise<Looked> {
  return new Promise((resolve) => {
    loopbackOnlyLookup(hostname, options, (err, address, family) => { resolve(family === undefined ? { err, address } : { err, address, family }); });
  });
}

const MISSING_CA = '/nonexistent/lab-ca.pem';
const CA_REFUSED = `Cannot read CA file ${MISSING_CA}: ENOENT: no such file or directory, open '${MISSING_CA}'`;

describe('the lookup that keeps plain http on this machine', () => {
  it('refuses, before any connection, a name that resolves elsewhere', async () => {
    const { err } = await look('192.0.2.1', { all: true });
    expect(err?.code).toBe('ENOTLOOPBACK');
    expect(err?.message).toBe('192.0.2.1 does not resolve to this machine: refusing plain http to it');
  });

  it('answers a caller that wants one address with the first loopback address and its family', async () => {
    expect(await look('127.0.0.1', { family: 4 })).toEqual({ err: null, address: '127.0.0.1', family: 4 });
  });

  it('answers a caller that wants every address with all of them', async () => {
    expect(await look('127.0.0.1', { all: true })).toEqual({ err: null, address: [{ address: '127.0.0.1', family: 4 }] });
  });

  it('passes a failed lookup on as it came', async () => {
    const { err } = await look('no-such-host.invalid', { all: true });
    expect(err?.code).toMatch(/^(ENOTFOUND|EAI_AGAIN|EAI_FAIL)$/);
  });
});

describe('an extra CA file that cannot be read', () => {
  it('is a usage error naming the file and why, for the pool, the client and the logo fetch alike', async () => {
    expect(trustedCas(MISSING_CA)).toEqual({ ok: false, code: 'usage', error: CA_REFUSED, retryable: false });
    expect(createDispatcher(new URL('https://api.osiriscare.net'), { caFile: MISSING_CA })).toEqual({ ok: false, code: 'usage', error: CA_REFUSED, retryable: false });
    expect(HttpClient.create({ endpoint: new URL('http://127.0.0.1:9'), caFile: MISSING_CA })).toEqual({ ok: false, code: 'usage', error: CA_REFUSED, retryable: false });
    expect(await fetchPartnerLogo('https://127.0.0.1:9/logo.png', { caFile: MISSING_CA })).toEqual({ ok: false, code: 'usage', error: CA_REFUSED, retryable: false });
  });

  it('is not needed: without one, the system CAs alone are trusted', () => {
    expect(trustedCas(undefined)).toEqual({ ok: true, data: undefined });
  });
});
