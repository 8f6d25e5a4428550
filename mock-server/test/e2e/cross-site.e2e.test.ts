import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Response } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { PENDING_CODE } from '../../../test-support/backend.js';
import { useDashboard } from './support.js';

const open = useDashboard();
const pages: Server[] = [];
afterEach(async () => {
  await Promise.all(pages.splice(0).map((server) => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); })));
});

/** A page elsewhere that, once opened, tries to mint a code and revoke one with the dashboard's cookie: a fetch, and a self-submitting form. */
function attackPage(target: string): string {
  return `<!doctype html><title>prize draw</title>
<form id="f" method="POST" action="${target}/api/admin/codes/${PENDING_CODE}/revoke" enctype="text/plain" target="sink"><input name='{"x":"' value='"}'></form>
<iframe name="sink"></iframe>
<script>
  fetch('${target}/api/admin/codes', { method: 'POST', mode: 'no-cors', credentials: 'include', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ partner: 'nepa-it', client_name: 'Attacker Clinic' }) }).finally(() => document.getElementById('f').submit());
</script>`;
}

async function serveAttack(target: string): Promise<number> {
  const server = createServer((_req, res) => { res.writeHead(200, { 'content-type': 'text/html' }).end(attackPage(target)); });
  pages.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

describe('the dashboard cookie cannot be used from another page', () => {
  it.each([
    // Another port of the same host is the same *site*: SameSite=Strict sends the cookie along, so the
    // request is authenticated (not 401) and it is the origin and CSRF checks that refuse it (403).
    ['another port of the same host (same-site)', '127.0.0.1', 403],
    // A different host name is another site: the cookie is not sent at all (401).
    ['another site', 'localhost', 401],
  ])('from %s, neither a fetch nor a form changes anything', async (_label, host, refusal) => {
    const { server, browser } = await open();
    const port = await serveAttack(server.url);
    const attack = await browser.context.newPage();
    const answers: Response[] = [];
    attack.on('response', (response) => { if (response.url().startsWith(`${server.url}/api/admin/`)) answers.push(response); });
    await attack.goto(`http://${host}:${port}/`);
    await expect.poll(() => answers.length).toBe(2);
    expect(answers.map((a) => [a.request().method(), new URL(a.url()).pathname, a.status()]).sort()).toEqual([
      ['POST', '/api/admin/codes', refusal],
      ['POST', `/api/admin/codes/${PENDING_CODE}/revoke`, refusal],
    ]);
    expect(server.mock.store.codes.get(PENDING_CODE)?.status).toBe('pending');
    expect([...server.mock.store.codes.values()].some((c) => c.client_name === 'Attacker Clinic')).toBe(false);
    await attack.close();
  });
});
