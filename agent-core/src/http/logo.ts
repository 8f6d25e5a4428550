import { EnvHttpProxyAgent, request, type Dispatcher } from './undici.js';
import { CONNECT_TIMEOUT_MS, LOGO_MAX_BYTES, LOGO_TIMEOUT_MS } from '../constants.js';
import { describeUnknown, fail, ok, type Result } from '../result.js';
import { printable } from '../text.js';
import { VERSION } from '../version.js';
import { trustedCas } from './dispatcher.js';

/** A partner's logo as the kiosk may show it: a raster image whose bytes were checked, never markup. */
export interface PartnerLogo {
  readonly mime: 'image/png' | 'image/jpeg' | 'image/gif' | 'image/webp';
  /** The image bytes, base64 (it crosses the bridge as text). */
  readonly base64: string;
}

export interface LogoOptions {
  readonly caFile?: string;
  readonly timeoutMs?: number;
  readonly maxBytes?: number;
  /** Supplied by tests; otherwise a one-connection pool through the clinic's proxy, if any. */
  readonly dispatcher?: Dispatcher;
}

/**
 * What a logo is, by its first bytes (the Content-Type header is not believed). SVG is left out on
 * purpose: it is markup and may carry script; a partner's brand mark in PNG, JPEG, GIF or WebP is
 * what the kiosk shows.
 */
export function sniffImage(bytes: Uint8Array): PartnerLogo['mime'] | undefined {
  const starts = (...prefix: number[]) => prefix.every((byte, i) => bytes[i] === byte);
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'image/png';
  if (starts(0xff, 0xd8, 0xff)) return 'image/jpeg';
  if (starts(0x47, 0x49, 0x46, 0x38) && (bytes[4] === 0x37 || bytes[4] === 0x39) && bytes[5] === 0x61) return 'image/gif';
  const ascii = (from: number, to: number) => String.fromCharCode(...bytes.subarray(from, to));
  // A shorter buffer gives a shorter string, so no length check is needed.
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'image/webp';
  return undefined;
}

/**
 * Fetches the partner's logo for the kiosk — by the engine, never by the page (which may load
 * nothing from the network). https only, no redirects, no credentials or cookies, a size cap read
 * as the bytes arrive, a short deadline, and the type told by the bytes. Cosmetic: any failure is a
 * reason to show the initial instead, never a reason to fail provisioning.
 */
export async function fetchPartnerLogo(logoUrl: string, options: LogoOptions = {}): Promise<Result<PartnerLogo>> {
  let url: URL;
  try {
    url = new URL(logoUrl);
  } catch {
    return fail('bad-response', 'The partner logo address is not a URL');
  }
  if (url.protocol !== 'https:' || url.username !== '' || url.password !== '') return fail('bad-response', 'The partner logo is not an https address');
  const maxBytes = options.maxBytes ?? LOGO_MAX_BYTES;
  const dispatcher = options.dispatcher === undefined ? logoDispatcher(options.caFile) : ok(options.dispatcher);
  if (!dispatcher.ok) return dispatcher;
  const signal = AbortSignal.timeout(options.timeoutMs ?? LOGO_TIMEOUT_MS);
  try {
    const response = await request(url, {
      method: 'GET',
      dispatcher: dispatcher.data,
      signal,
      headers: { accept: 'image/png, image/jpeg, image/gif, image/webp', 'user-agent': `osiris-provision/${VERSION}` },
    });
    if (response.statusCode !== 200) {
      await response.body.dump();
      return fail('bad-response', `The partner logo server answered HTTP ${response.statusCode}`);
    }
    const declared = Number(response.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBytes) {
      await response.body.dump();
      return fail('bad-response', `The partner logo is too large (${declared} bytes; at most ${maxBytes})`);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of response.body as AsyncIterable<Buffer>) {
      size += chunk.length;
      // Leaving the loop early destroys the body (the iterator's return), so the pool can close.
      if (size > maxBytes) return fail('bad-response', `The partner logo is too large (more than ${maxBytes} bytes)`);
      chunks.push(chunk);
    }
    const bytes = Buffer.concat(chunks);
    const mime = sniffImage(bytes);
    if (mime === undefined) return fail('bad-response', 'The partner logo is not a PNG, JPEG, GIF or WebP image');
    return ok({ mime, base64: bytes.toString('base64') });
  } catch (err) {
    return fail(signal.aborted ? 'timeout' : 'unreachable', signal.aborted ? 'The partner logo did not arrive in time' : `The partner logo could not be fetched: ${printable(describeUnknown(err), 200)}`);
  } finally {
    if (options.dispatcher === undefined) await dispatcher.data.close().catch(() => undefined);
  }
}

/** Its own short-lived pool: the logo lives on another host than Central Command, and must not hold the API connection up. */
function logoDispatcher(caFile: string | undefined): Result<Dispatcher> {
  const ca = trustedCas(caFile);
  if (!ca.ok) return ca;
  // No extra file: `ca` undefined, and TLS trusts the system's CAs as when it is absent.
  const tls = { ca: ca.data };
  const options = { connections: 1, connect: { ...tls, timeout: Math.min(CONNECT_TIMEOUT_MS, LOGO_TIMEOUT_MS) } };
  return ok(new EnvHttpProxyAgent({ ...options, requestTls: tls }));
}
