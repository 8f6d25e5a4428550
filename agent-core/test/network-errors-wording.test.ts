import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { bySchema } from '../src/http/client.js';
import { classifyNetworkError, errorCodes } from '../src/http/network-errors.js';
import { useTempDir } from '../../test-support/backend.js';
import { sendJson, useHostileServer } from '../../test-support/hostile-server.js';
import { preflightClient, useTlsBackend } from '../../test-support/preflight.js';
import { makeLocalhostCert } from '../../test-support/tls.js';

const tempDir = useTempDir();
const tlsBackend = useTlsBackend();
const hostile = useHostileServer();

const HOST = 'api.osiriscare.net';
/** A system error as undici hands it on: wrapped in its own error, the code on the cause. */
const wrapped = (code: string) => Object.assign(new Error('fetch failed'), { cause: Object.assign(new Error(code), { code }) });
const coded = (code: string, cause?: unknown) => Object.assign(new Error(code), { code, cause });
const classify = (err: unknown) => classifyNetworkError(err, HOST);

/** What the appliance's client says when it asks for /health at `url`. */
async function healthFailure(url: string, caFile?: string) {
  const client = preflightClient(url, caFile === undefined ? {} : { caFile });
  try {
    const result = await client.call({ method: 'GET', path: '/health', decode: bySchema(z.unknown()), idempotent: true });
    if (result.ok) throw new Error('the health check was expected to fail');
    return result;
  } finally {
    await client.close();
  }
}

describe('errorCodes', () => {
  it('reads the codes down the cause chain, outermost first', () => {
    expect(errorCodes(coded('UND_ERR_SOCKET', coded('ECONNRESET')))).toEqual(['UND_ERR_SOCKET', 'ECONNRESET']);
  });

  it('reads no more than five links of a cause chain, since a chain may loop back on itself', () => {
    const chain = ['L1', 'L2', 'L3', 'L4', 'L5', 'L6'].reduceRight<unknown>((cause, code) => coded(code, cause), undefined);
    expect(errorCodes(chain)).toEqual(['L1', 'L2', 'L3', 'L4', 'L5']);
  });

  it('ends the chain at a null cause', () => {
    expect(errorCodes(coded('ECONNRESET', null))).toEqual(['ECONNRESET']);
  });

  it('reads a timed-out or aborted request as ABORT_ERR', () => {
    expect(errorCodes(new DOMException('The operation was aborted due to timeout', 'TimeoutError'))).toEqual(['ABORT_ERR']);
    expect(errorCodes(AbortSignal.abort().reason)).toEqual(['ABORT_ERR']);
  });
});

describe('classifyNetworkError wording', () => {
  it.each([
    ['a deadline', new DOMException('The operation was aborted due to timeout', 'TimeoutError')],
    ['an abort', AbortSignal.abort().reason as unknown],
  ])('tells the technician to check the cable and the firewall after %s', (_what, err) => {
    expect(classify(err)).toEqual({
      failure: {
        ok: false,
        code: 'timeout',
        error: 'Connection timed out',
        hint: `No answer from ${HOST} in time. Check the network cable and that the clinic's firewall allows outbound HTTPS (TCP 443).`,
        retryable: true,
      },
      maybeSent: true,
    });
  });

  it.each(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL'])('names a DNS failure (%s) and the filters that cause one', (code) => {
    expect(classify(wrapped(code))).toEqual({
      failure: {
        ok: false,
        code: 'unreachable',
        error: 'Failed to connect to server',
        hint: `Could not look up ${HOST} (DNS). A DNS filter (Pi-hole, Umbrella, Fortinet, Sophos) may be blocking it, or the appliance has no DNS server.`,
        retryable: true,
      },
      maybeSent: false,
    });
  });

  it('refuses plain http to a name that does not resolve to this machine, and points at the https endpoint', () => {
    expect(classifyNetworkError(wrapped('ENOTLOOPBACK'), 'localhost')).toEqual({
      failure: {
        ok: false,
        code: 'unreachable',
        error: 'localhost does not resolve to this machine: refusing plain http to it',
        hint: 'Plain http is only for a backend on this machine; use the https endpoint.',
        retryable: true,
      },
      maybeSent: false,
    });
  });

  it('names a refused connection, found anywhere in the cause chain, as one the server never saw', () => {
    expect(classify(coded('UND_ERR_SOCKET', coded('ECONNREFUSED')))).toMatchObject({
      failure: { code: 'unreachable', hint: `${HOST} refused the connection: the backend may be down, or a firewall is rejecting outbound HTTPS.` },
      maybeSent: false,
    });
  });

  it.each(['ENETUNREACH', 'EHOSTUNREACH'])('sends the technician to the cable, DHCP and gateway when there is no route (%s)', (code) => {
    expect(classify(wrapped(code))).toMatchObject({
      failure: { code: 'unreachable', hint: 'No route to the server: check the network cable, DHCP and the default gateway.' },
      maybeSent: false,
    });
  });

  it('calls an error without any code a network error, and allows that the request went out', () => {
    expect(classify(new Error('socket hang up'))).toMatchObject({
      failure: { code: 'unreachable', error: 'Failed to connect to server', hint: `The connection to ${HOST} failed (network error).` },
      maybeSent: true,
    });
  });
});

describe('classifyNetworkError on TLS', () => {
  it.each(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID'])('blames the appliance clock for %s, with the code in the message', (code) => {
    expect(classify(wrapped(code))).toEqual({
      failure: {
        ok: false,
        code: 'tls',
        error: `Secure connection to server failed (${code})`,
        hint: "The appliance clock may be wrong: check the date and enable NTP ('timedatectl set-ntp true').",
        retryable: true,
      },
      maybeSent: false,
    });
  });

  it.each(['SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE'])('reads %s as an intercepting proxy, and asks for the host’s exemption', (code) => {
    expect(classify(wrapped(code))).toMatchObject({
      failure: {
        code: 'tls',
        error: `Secure connection to server failed (${code})`,
        hint: `The certificate for ${HOST} is not trusted: a TLS-intercepting proxy or firewall is likely replacing it. Ask for ${HOST} to be exempted from HTTPS inspection.`,
      },
      maybeSent: false,
    });
  });

  it('says a certificate for another name means something is intercepting the connection', async () => {
    const { key, cert, certPath } = makeLocalhostCert(await tempDir());
    const backend = await tlsBackend({ host: '127.0.0.2', key, cert });
    expect(await healthFailure(backend.url, certPath)).toEqual({
      ok: false,
      code: 'tls',
      error: 'Secure connection to server failed (ERR_TLS_CERT_ALTNAME_INVALID)',
      hint: 'The certificate presented does not belong to 127.0.0.2: something on the network is intercepting the connection.',
      retryable: true,
    });
  });

  it('names any other TLS failure by its code, with no guess at the cause: an https endpoint answering plain http', async () => {
    const server = await hostile((_req, res) => { sendJson(res, 200, { status: 'ok' }); });
    const failure = await healthFailure(server.url.replace('http:', 'https:'));
    expect(failure).toEqual({ ok: false, code: 'tls', error: 'Secure connection to server failed (ERR_SSL_WRONG_VERSION_NUMBER)', retryable: true });
  });

  it('names a TLS protocol error (EPROTO) with no guess at the cause', () => {
    expect(classify(wrapped('EPROTO'))).toEqual({
      failure: { ok: false, code: 'tls', error: 'Secure connection to server failed (EPROTO)', retryable: true },
      maybeSent: false,
    });
  });
});
