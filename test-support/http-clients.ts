import { afterEach } from 'vitest';
import { HttpClient, type HttpClientOptions } from '../agent-core/src/http/client.js';
import { FAST_RETRY } from './backend.js';

/**
 * The HTTP clients (and servers, pools…) a test opens, all closed after each test. `clientFor(url)`
 * is an engine client for that endpoint with fast retries; `closeAfterTest` takes anything else.
 */
export function useHttpClients() {
  const closers: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    await Promise.all(closers.splice(0).map((close) => close()));
  });
  const clientFor = (url: string, options: Partial<HttpClientOptions> = {}): HttpClient => {
    const created = HttpClient.create({ endpoint: new URL(url), retry: FAST_RETRY, ...options });
    if (!created.ok) throw new Error(created.error);
    closers.push(() => created.data.close());
    return created.data;
  };
  const closeAfterTest = (close: () => Promise<unknown>): void => {
    closers.push(close);
  };
  return { clientFor, closeAfterTest };
}
