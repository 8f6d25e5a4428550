import { describe, expect, it } from 'vitest';
import { usesProxy } from '../src/http/preflight.js';

// Whether the preflight probes DNS, TCP and TLS itself or leaves them to the clinic's proxy: it must
// read the environment as the proxy agent that carries the requests does.
const PROXY = 'http://proxy.clinic.example:3128';
const proxied = (url: string, env: NodeJS.ProcessEnv) => usesProxy(new URL(url), env);

describe('usesProxy', () => {
  it('sends an https endpoint through HTTP_PROXY or http_proxy when no HTTPS proxy is set', () => {
    expect(proxied('https://api.osiriscare.net', { HTTP_PROXY: PROXY })).toBe(true);
    expect(proxied('https://api.osiriscare.net', { http_proxy: PROXY })).toBe(true);
    expect(proxied('https://api.osiriscare.net', { https_proxy: PROXY })).toBe(true);
  });

  it('sends a plain-http URL through HTTP_PROXY or http_proxy only, never through an HTTPS proxy', () => {
    expect(proxied('http://backend.clinic.example', { HTTPS_PROXY: PROXY })).toBe(false);
    expect(proxied('http://backend.clinic.example', { HTTP_PROXY: PROXY })).toBe(true);
    expect(proxied('http://backend.clinic.example', { http_proxy: PROXY })).toBe(true);
  });

  it('takes an empty HTTPS_PROXY as no proxy at all', () => {
    expect(proxied('https://api.osiriscare.net', { HTTPS_PROXY: '' })).toBe(false);
  });

  it('proxies every host when NO_PROXY is unset', () => {
    expect(proxied('https://api.osiriscare.net', { HTTPS_PROXY: PROXY })).toBe(true);
  });

  it('lets a NO_PROXY entry with a leading dot exempt the domain itself and every name under it', () => {
    const env = { HTTPS_PROXY: PROXY, NO_PROXY: '.osiriscare.net' };
    expect(proxied('https://osiriscare.net', env)).toBe(false);
    expect(proxied('https://api.osiriscare.net', env)).toBe(false);
    expect(proxied('https://notosiriscare.net', env)).toBe(true);
  });

  it('lets a *. entry in NO_PROXY exempt the names under the domain', () => {
    const env = { HTTPS_PROXY: PROXY, NO_PROXY: '*.osiriscare.net' };
    expect(proxied('https://api.osiriscare.net', env)).toBe(false);
    expect(proxied('https://apiosiriscare.net', env)).toBe(true);
  });

  it('reads nothing into empty NO_PROXY entries, even for a fully qualified name ending in a dot', () => {
    const env = { HTTPS_PROXY: PROXY, NO_PROXY: 'internal.example, ,' };
    expect(proxied('https://api.osiriscare.net.', env)).toBe(true);
    expect(proxied('https://api.osiriscare.net.', { HTTPS_PROXY: PROXY, NO_PROXY: '' })).toBe(true);
  });
});
