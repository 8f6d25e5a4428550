import type { Dispatcher } from 'undici';
import { request } from './undici.js';
import { z } from '../zod.js';
import { DEFAULT_TIMEOUT_MS, MAX_RESPONSE_BYTES } from '../constants.js';
import { apiUrl } from './endpoint.js';
import { fail, ok, type Failure, type Result } from '../result.js';
import { printable } from '../text.js';
import { VERSION } from '../version.js';
import { firstIssue } from '../zod-issue.js';
import { createDispatcher, type TransportOptions } from './dispatcher.js';
import { classifyNetworkError } from './network-errors.js';
import { backoffDelay, DEFAULT_RETRY_POLICY, parseRetryAfter, sleep, type RetryPolicy } from './retry.js';

export interface HttpClientOptions extends TransportOptions {
  readonly endpoint: URL;
  /** Overall deadline of one call, retries included. */
  readonly timeoutMs?: number;
  readonly retry?: Partial<RetryPolicy>;
  readonly maxResponseBytes?: number;
  /** Supplied by tests; otherwise built from the endpoint (proxy, CA). */
  readonly dispatcher?: Dispatcher;
}

/** An HTTP error the server answered with, handed to the endpoint's own mapping. */
export interface HttpErrorResponse {
  readonly status: number;
  /** The FastAPI `detail`, when the body had one; sanitised to one printable line. */
  readonly detail?: string;
}

/** Turns a 2xx answer (its text, and its JSON when it parsed) into the call's result. */
export type Decoder<T> = (json: unknown, text: string) => Result<T>;

export interface CallSpec<T> {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly body?: unknown;
  readonly decode: Decoder<T>;
  /** Safe to send again after the server may have acted on it. A claim is not. */
  readonly idempotent: boolean;
  /** Endpoint-specific meaning of 4xx answers (an unknown code, an expired one…). */
  readonly mapError?: (response: HttpErrorResponse) => Failure | undefined;
  /** Extra request headers (the Bearer key on status reports). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Overrides of the client's retry count and overall deadline for this call. */
  readonly attempts?: number;
  readonly timeoutMs?: number;
  /**
   * May share the connection's pipeline with another call in flight (HTTP/1.1 pipelining): for
   * calls that are harmless to repeat (a status report, a config fetch), so a pair of them costs one
   * round trip on one connection instead of two, or a second connection.
   */
  readonly pipelined?: boolean;
}

/** The usual decoder: the answer must be JSON matching the schema. */
export function bySchema<T>(schema: z.core.$ZodType<T>): Decoder<T> {
  return (json) => {
    const parsed = z.safeParse(schema, json);
    return parsed.success ? ok(parsed.data) : fail('bad-response', `Unexpected response from server (${describeIssue(parsed.error)})`);
  };
}

type Attempt<T> =
  | { readonly kind: 'done'; readonly result: Result<T> }
  | { readonly kind: 'retry'; readonly failure: Failure; readonly waitMs?: number };

const DETAIL_MAX = 200;
const ISSUE_MAX = 120;

/** JSON over HTTPS to Central Command, with deadlines, bounded bodies, schema checks and safe retries. */
export class HttpClient {
  readonly endpoint: URL;
  readonly #timeoutMs: number;
  readonly #retry: RetryPolicy;
  readonly #maxBytes: number;
  readonly #dispatcher: Dispatcher;
  readonly #ownsDispatcher: boolean;
  /** The server's clock as of its last answer (Date header), for the clock-skew check. */
  lastServerDate: number | undefined;

  private constructor(options: HttpClientOptions, dispatcher: Dispatcher, owns: boolean) {
    this.endpoint = options.endpoint;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#retry = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.#maxBytes = options.maxResponseBytes ?? MAX_RESPONSE_BYTES;
    this.#dispatcher = dispatcher;
    this.#ownsDispatcher = owns;
  }

  static create(options: HttpClientOptions): Result<HttpClient> {
    if (options.dispatcher !== undefined) return ok(new HttpClient(options, options.dispatcher, false));
    const dispatcher = createDispatcher(options.endpoint, options);
    return dispatcher.ok ? ok(new HttpClient(options, dispatcher.data, true)) : dispatcher;
  }

  async call<T>(spec: CallSpec<T>, signal?: AbortSignal): Promise<Result<T>> {
    const deadline = AbortSignal.timeout(spec.timeoutMs ?? this.#timeoutMs);
    const combined = signal === undefined ? deadline : AbortSignal.any([deadline, signal]);
    const attempts = spec.attempts ?? this.#retry.attempts;
    let last: Failure = fail('timeout');
    for (let attempt = 0; attempt < attempts; attempt += 1) {
      if (combined.aborted) break;
      const outcome = await this.#attempt(spec, combined);
      if (outcome.kind === 'done') return !outcome.result.ok && signal?.aborted === true ? fail('cancelled') : outcome.result;
      last = outcome.failure;
      const waitMs = outcome.waitMs ?? backoffDelay(this.#retry, attempt);
      if (waitMs > this.#retry.retryAfterMaxMs || attempt === attempts - 1) break;
      await sleep(waitMs, combined);
    }
    if (signal?.aborted === true) return fail('cancelled');
    return deadline.aborted && last.code !== 'timeout' && last.retryable ? fail('timeout') : last;
  }

  async close(): Promise<void> {
    if (this.#ownsDispatcher) await this.#dispatcher.close();
  }

  async #attempt<T>(spec: CallSpec<T>, signal: AbortSignal): Promise<Attempt<T>> {
    const url = apiUrl(this.endpoint, spec.path);
    let response: Dispatcher.ResponseData;
    try {
      response = await request(url, {
        method: spec.method,
        dispatcher: this.#dispatcher,
        signal,
        headers: {
          accept: 'application/json',
          'user-agent': `osiris-provision/${VERSION}`,
          ...(spec.body === undefined ? {} : { 'content-type': 'application/json' }),
          ...spec.headers,
        },
        body: spec.body === undefined ? undefined : JSON.stringify(spec.body),
        ...(spec.pipelined === true ? { idempotent: true, blocking: false } : {}),
      });
    } catch (err) {
      const { failure, maybeSent } = classifyNetworkError(err, this.endpoint.hostname);
      if (signal.aborted) return { kind: 'done', result: failure.code === 'tls' ? failure : fail('timeout') };
      const canRetry = failure.retryable && failure.code !== 'tls' && (spec.idempotent || !maybeSent);
      return canRetry ? { kind: 'retry', failure } : { kind: 'done', result: failure };
    }

    this.#noteServerDate(response.headers.date);
    const body = await readCapped(response.body, this.#maxBytes);
    if (!body.ok) {
      if (signal.aborted) return { kind: 'done', result: fail('timeout') };
      return { kind: 'done', result: body };
    }
    return this.#interpret(spec, response, body.data);
  }

  #interpret<T>(spec: CallSpec<T>, response: Dispatcher.ResponseData, text: string): Attempt<T> {
    const status = response.statusCode;
    if (status >= 300 && status < 400) {
      return { kind: 'done', result: fail('bad-response', `Server redirected the request (HTTP ${status}); provisioning does not follow redirects`) };
    }
    const json = parseJson(text);
    if (status >= 200 && status < 300) {
      if (json === undefined) return { kind: 'done', result: fail('bad-response', 'Server answered with something that is not JSON') };
      return { kind: 'done', result: spec.decode(json, text) };
    }
    const detail = extractDetail(json);
    if (status === 429) {
      const waitMs = parseRetryAfter(header(response.headers['retry-after']));
      return { kind: 'retry', failure: fail('server', 'Server is busy (rate limited); try again in a minute'), waitMs };
    }
    const mapped = spec.mapError?.({ status, detail });
    if (mapped !== undefined) return { kind: 'done', result: mapped };
    if (status >= 500) {
      const failure = fail('server', `Server error (HTTP ${status})`, 'Central Command is having trouble; try again in a few minutes.');
      return spec.idempotent ? { kind: 'retry', failure } : { kind: 'done', result: failure };
    }
    const suffix = detail === undefined ? '' : `: ${detail}`;
    return { kind: 'done', result: { ...fail('server', `Server rejected the request (HTTP ${status})${suffix}`), retryable: false } };
  }

  #noteServerDate(value: string | string[] | undefined): void {
    const parsed = Date.parse(header(value) ?? '');
    if (!Number.isNaN(parsed)) this.lastServerDate = parsed;
  }
}

async function readCapped(body: Dispatcher.ResponseData['body'], maxBytes: number): Promise<Result<string>> {
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of body) {
      const buffer = chunk as Buffer;
      total += buffer.length;
      // Leaving the loop early destroys the body (the iterator's return), which lets the connection go.
      if (total > maxBytes) return fail('bad-response', `Server response too large (over ${maxBytes} bytes)`);
      chunks.push(buffer);
    }
  } catch (err) {
    const { failure } = classifyNetworkError(err, 'the server');
    return failure.code === 'timeout' ? failure : fail('bad-response', 'Server closed the connection mid-response');
  }
  return ok(Buffer.concat(chunks).toString('utf8'));
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** FastAPI's `detail`, one printable line, bounded: it came from the network and may be hostile. */
function extractDetail(json: unknown): string | undefined {
  if (typeof json !== 'object' || json === null || !('detail' in json)) return undefined;
  const detail = json.detail;
  const text = typeof detail === 'string' ? detail : JSON.stringify(detail);
  return printable(text, DETAIL_MAX);
}


function describeIssue(error: z.core.$ZodError): string {
  return printable(firstIssue(error, 'body'), ISSUE_MAX);
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
