/**
 * The page's one door to the server: JSON requests to its own origin, with the session's CSRF token
 * on anything that changes state. Failures are values (`ok: false` with the server's `detail`),
 * never thrown, so every caller shows what went wrong.
 */
export type Answer<T> = { readonly ok: true; readonly status: number; readonly data: T } | { readonly ok: false; readonly status: number; readonly error: string };

export const CSRF_HEADER = 'X-CSRF-Token';
/** Status 0: the request never got an answer (server down, network gone). */
export const NO_ANSWER = 0;

export async function request<T>(method: string, path: string, options: { body?: unknown; csrf?: string } = {}): Promise<Answer<T>> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.csrf !== undefined) headers[CSRF_HEADER] = options.csrf;
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      cache: 'no-store',
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    });
  } catch {
    return { ok: false, status: NO_ANSWER, error: 'The mock server did not answer. Is it still running?' };
  }
  const text = await response.text();
  const json = parse(text);
  if (response.ok) return { ok: true, status: response.status, data: json as T };
  return { ok: false, status: response.status, error: detailOf(json) ?? `The server answered ${response.status}` };
}

function parse(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** FastAPI-style `{detail}`: a string, or a list of schema problems. */
function detailOf(json: unknown): string | undefined {
  if (typeof json !== 'object' || json === null || !('detail' in json)) return undefined;
  const detail = json.detail;
  if (typeof detail === 'string') return detail;
  if (Array.isArray(detail)) return detail.map((d: { loc?: unknown[]; msg?: string }) => `${(d.loc ?? []).slice(1).join('.')}: ${d.msg ?? ''}`).join('; ');
  return undefined;
}
