import { request } from 'node:http';
import { expect } from 'vitest';
import { post } from '../../../test-support/http.js';

export const TOKEN = 'lab-token-0123456789abcdef';
export const BEARER = { authorization: `Bearer ${TOKEN}` };

export interface Signed {
  /** The Cookie header a browser would send back. */
  readonly cookie: string;
  readonly csrf: string;
  /** The raw Set-Cookie line, for checking its attributes. */
  readonly setCookie: string;
}

/** Signs in as the page does (JSON body, same-origin headers) and returns what a browser would keep. */
export async function signIn(url: string, token = TOKEN): Promise<Signed> {
  const answer = await post(`${url}/dashboard/session`, { token }, sameOrigin(url));
  expect(answer.status).toBe(201);
  const setCookie = answer.headers.get('set-cookie') ?? '';
  const csrf = String(answer.json().csrf_token);
  return { cookie: setCookie.split(';', 1)[0] ?? '', csrf, setCookie };
}

/** The headers Chromium adds to a fetch from the dashboard page itself. */
export function sameOrigin(url: string): Record<string, string> {
  return { origin: url, 'sec-fetch-site': 'same-origin' };
}

/** The headers a logged-in page sends on a state-changing request. */
export function asPage(url: string, signed: Signed): Record<string, string> {
  return { ...sameOrigin(url), cookie: signed.cookie, 'x-csrf-token': signed.csrf };
}

/**
 * A POST with exactly these headers (fetch in Node replaces Origin, as a browser would; a forged or
 * cross-site one must be sent raw to test what the server does with it).
 */
export function rawPost(url: string, body: unknown, headers: Record<string, string>): Promise<{ status: number; setCookie: string | undefined }> {
  const text = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent: false, headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), ...headers } }, (res) => {
      res.resume();
      res.on('end', () => { resolve({ status: res.statusCode ?? 0, setCookie: res.headers['set-cookie']?.[0] }); });
    });
    req.on('error', reject);
    req.end(text);
  });
}

/** A GET of exactly this path, not normalised as fetch would (`/a/../b` stays as it is). */
export function rawGet(url: string, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { path, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => { body += chunk; });
      res.on('end', () => { resolve({ status: res.statusCode ?? 0, body }); });
    });
    req.on('error', reject);
    req.end();
  });
}
