import { describe, expect, it } from 'vitest';
import { SESSION_IDLE_MS, SESSION_MAX_AGE_MS } from '../../src/dashboard/limits.js';
import { PENDING_CODE, useBackend } from '../../../test-support/backend.js';
import { get, post } from '../../../test-support/http.js';
import { asPage, BEARER, rawPost, sameOrigin, signIn, TOKEN } from './support.js';

const backend = useBackend();
const MINT = { partner: 'nepa-it', client_name: 'Cookie Clinic' };
const MINUTE = 60_000;

describe('dashboard sign-in', () => {
  it('sets an HttpOnly, SameSite=Strict session cookie and answers with a CSRF token, never the admin token', async () => {
    const server = await backend({ adminToken: TOKEN });
    const answer = await post(`${server.url}/dashboard/session`, { token: TOKEN }, sameOrigin(server.url));
    expect(answer.status).toBe(201);
    const [pair, ...attributes] = (answer.headers.get('set-cookie') ?? '').split('; ');
    expect(pair).toMatch(/^osiris_dashboard_session=[\w-]{43}$/);
    expect(attributes.filter((a) => !a.startsWith('expires='))).toEqual(['path=/', 'samesite=strict', 'httponly']);
    const expires = Date.parse(attributes.find((a) => a.startsWith('expires='))?.slice('expires='.length) ?? '');
    expect(Math.abs(expires - (Date.now() + SESSION_MAX_AGE_MS))).toBeLessThan(MINUTE);
    const body = answer.json();
    expect(Object.keys(body).sort()).toEqual(['csrf_token', 'expires_at', 'signed_in']);
    expect(body.signed_in).toBe(true);
    expect(body.csrf_token).toMatch(/^[\w-]{43}$/);
    expect(answer.text).not.toContain(TOKEN);
    expect(answer.headers.get('cache-control')).toBe('no-store');
  });

  it('refuses a wrong token with 401 and sets no cookie', async () => {
    const server = await backend({ adminToken: TOKEN });
    const answer = await post(`${server.url}/dashboard/session`, { token: `${TOKEN}x` }, sameOrigin(server.url));
    expect(answer.status).toBe(401);
    expect(answer.headers.get('set-cookie')).toBeNull();
    expect(answer.json()).toEqual({ detail: 'Wrong admin token' });
  });

  it('says "not signed in" as an answer, not an error, and "signed in" with a good cookie', async () => {
    const server = await backend({ adminToken: TOKEN });
    expect((await get(`${server.url}/dashboard/session`)).json()).toEqual({ signed_in: false });
    const signed = await signIn(server.url);
    expect((await get(`${server.url}/dashboard/session`, { cookie: signed.cookie })).json()).toMatchObject({ signed_in: true, csrf_token: signed.csrf });
    expect((await get(`${server.url}/dashboard/session`, { cookie: 'osiris_dashboard_session=forged-value' })).json()).toEqual({ signed_in: false });
  });

  it('limits sign-in attempts per address, whatever the Authorization header says, and lets them again after the window', async () => {
    let now = Date.parse('2026-11-29T10:00:00Z');
    const server = await backend({ adminToken: TOKEN, now: () => now });
    const attempt = (token: string, authorization: string) => post(`${server.url}/dashboard/session`, { token }, { ...sameOrigin(server.url), authorization });
    for (let i = 0; i < 5; i += 1) expect((await attempt('guess', `Bearer guess-${i}`)).status).toBe(401);
    const limited = await attempt(TOKEN, 'Bearer yet-another');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.headers.get('set-cookie')).toBeNull();
    now += MINUTE;
    expect((await attempt(TOKEN, '')).status).toBe(201);
  });

  it('ends a session after SESSION_IDLE_MS without use, and after SESSION_MAX_AGE_MS however used', async () => {
    let now = Date.parse('2026-11-29T10:00:00Z');
    const server = await backend({ adminToken: TOKEN, now: () => now });
    const idle = await signIn(server.url);
    now += SESSION_IDLE_MS - 1;
    expect((await get(`${server.url}/api/admin/codes`, { cookie: idle.cookie })).status).toBe(200);
    now += SESSION_IDLE_MS + 1;
    expect((await get(`${server.url}/api/admin/codes`, { cookie: idle.cookie })).status).toBe(401);

    const busy = await signIn(server.url);
    const end = now + SESSION_MAX_AGE_MS;
    while (now + SESSION_IDLE_MS / 2 < end) {
      now += SESSION_IDLE_MS / 2;
      expect((await get(`${server.url}/api/admin/codes`, { cookie: busy.cookie })).status).toBe(200);
    }
    now = end;
    expect((await get(`${server.url}/api/admin/codes`, { cookie: busy.cookie })).status).toBe(401);
  });

  it('signs out: the cookie is cleared and no longer works', async () => {
    const server = await backend({ adminToken: TOKEN });
    const signed = await signIn(server.url);
    const out = await fetch(`${server.url}/dashboard/session`, { method: 'DELETE', headers: asPage(server.url, signed) });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/^osiris_dashboard_session=; path=\/; expires=Thu, 01 Jan 1970 00:00:00 GMT; samesite=strict; httponly$/);
    expect((await get(`${server.url}/api/admin/codes`, { cookie: signed.cookie })).status).toBe(401);
  });
});

describe('admin API with the session cookie (CSRF)', () => {
  it('reads with the cookie alone', async () => {
    const server = await backend({ adminToken: TOKEN });
    const signed = await signIn(server.url);
    const codes = await get(`${server.url}/api/admin/codes`, { cookie: signed.cookie });
    expect(codes.status).toBe(200);
    expect(codes.json<{ codes: unknown[] }>().codes).toHaveLength(11);
  });

  it('changes state only from this origin with the session CSRF token', async () => {
    const server = await backend({ adminToken: TOKEN });
    const signed = await signIn(server.url);
    const page = asPage(server.url, signed);
    const attempts: [string, Record<string, string>][] = [
      ['no CSRF token', { ...sameOrigin(server.url), cookie: signed.cookie }],
      ['a wrong CSRF token', { ...page, 'x-csrf-token': `${signed.csrf.slice(1)}A` }],
      ['another origin', { ...page, origin: 'http://evil.example' }],
      ['another port of the same host (same-site)', { ...page, origin: server.url.replace(/:\d+$/, ':1'), 'sec-fetch-site': 'same-site' }],
      ['a cross-site page', { ...page, 'sec-fetch-site': 'cross-site' }],
      ['a navigation typed in the address bar', { ...page, 'sec-fetch-site': 'none' }],
    ];
    for (const [label, headers] of attempts) {
      const answer = await rawPost(`${server.url}/api/admin/codes`, MINT, headers);
      expect([label, answer.status]).toEqual([label, 403]);
    }
    const revoke = await rawPost(`${server.url}/api/admin/codes/${PENDING_CODE}/revoke`, {}, { cookie: signed.cookie });
    expect(revoke.status).toBe(403);
    expect(server.mock.store.codes.size).toBe(11);
    expect(server.mock.store.codes.get(PENDING_CODE)?.status).toBe('pending');

    expect((await rawPost(`${server.url}/api/admin/codes`, MINT, page)).status).toBe(201);
    expect(server.mock.store.codes.size).toBe(12);
  });

  it('judges a request with an Authorization header by it alone: a wrong bearer is not rescued by a good cookie', async () => {
    const server = await backend({ adminToken: TOKEN });
    const signed = await signIn(server.url);
    expect((await get(`${server.url}/api/admin/codes`, { cookie: signed.cookie, authorization: 'Bearer wrong' })).status).toBe(401);
    expect((await post(`${server.url}/api/admin/codes`, MINT, BEARER)).status).toBe(201);
  });

  it('refuses a sign-in posted from another origin, so no page elsewhere can sign this browser in', async () => {
    const server = await backend({ adminToken: TOKEN });
    const elsewhere: Record<string, string>[] = [{ origin: 'http://evil.example' }, { 'sec-fetch-site': 'cross-site' }, { origin: server.url.replace(/:\d+$/, ':1'), 'sec-fetch-site': 'same-site' }];
    for (const headers of elsewhere) {
      const crossSite = await rawPost(`${server.url}/dashboard/session`, { token: TOKEN }, headers);
      expect([headers, crossSite.status, crossSite.setCookie]).toEqual([headers, 403, undefined]);
    }
    // A form can post text/plain across sites without a preflight; it is not a JSON sign-in.
    const form = await fetch(`${server.url}/dashboard/session`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: `{"token":"${TOKEN}"}` });
    expect(form.status).toBe(422);
    expect(form.headers.get('set-cookie')).toBeNull();
  });
});
