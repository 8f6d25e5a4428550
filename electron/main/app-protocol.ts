import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import type { Protocol } from 'electron';
import { MIME_TYPES, securityHeaders } from '../csp.js';

/** SECURITY.md item 3: the wizard is served from app://kiosk/, never file://. */
export const APP_SCHEME = 'app';
export const APP_HOST = 'kiosk';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY = `${APP_ORIGIN}/index.html`;

/** Registered before `ready`: standard and secure, so the page is a secure context with its own origin (camera, workers, fetch). */
export const APP_SCHEME_PRIVILEGES = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true, codeCache: true },
} as const;

/**
 * Maps an app:// URL to a file inside the renderer bundle, or undefined when it is not one: another
 * host, or a path that escapes the bundle once decoded (`..%2f`, encoded backslashes, NUL bytes).
 */
export function resolveAppPath(rendererRoot: string, requestUrl: string): string | undefined {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return undefined;
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return undefined;
  let path: string;
  try {
    path = decodeURIComponent(url.pathname);
  } catch {
    return undefined;
  }
  if (path.includes('\0') || path.includes('\\')) return undefined;
  const relative = normalize(path === '/' ? 'index.html' : path.replace(/^\/+/, ''));
  const root = normalize(rendererRoot).replace(/\/+$/, '');
  const file = join(root, relative);
  return file.startsWith(root + sep) ? file : undefined;
}

/** The app:// handler: files from the bundle with their MIME type and the CSP headers; 404 for anything else. */
export function createAppHandler(rendererRoot: string, read: (path: string) => Promise<Buffer> = readFile) {
  return async (request: Request): Promise<Response> => {
    const file = resolveAppPath(rendererRoot, request.url);
    if (file === undefined || request.method !== 'GET') return new Response(null, { status: 404 });
    try {
      const body = await read(file);
      const relative = file.slice(normalize(rendererRoot).replace(/\/+$/, '').length + 1);
      return new Response(new Uint8Array(body), {
        status: 200,
        headers: { 'content-type': MIME_TYPES[extname(file)] ?? 'application/octet-stream', ...securityHeaders(relative) },
      });
    } catch {
      return new Response(null, { status: 404 });
    }
  };
}

export function registerAppProtocol(protocol: Pick<Protocol, 'handle'>, rendererRoot: string): void {
  protocol.handle(APP_SCHEME, createAppHandler(rendererRoot));
}

/**
 * scheme://host[:port] of a URL. Not URL.origin: for schemes Node's URL does not know as special
 * (app:), that is the string "null", which would make every app:// URL look alike.
 */
export function originOf(url: string | undefined): string | undefined {
  if (url === undefined || url === '') return undefined;
  try {
    const parsed = new URL(url);
    return parsed.host === '' ? undefined : `${parsed.protocol}//${parsed.host}`;
  } catch {
    return undefined;
  }
}
