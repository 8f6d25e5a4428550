import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as undiciIndex from 'undici';
import { describe, expect, it } from 'vitest';
import { Agent, EnvHttpProxyAgent, request } from '../src/http/undici.js';
import { projectRoot } from '../../test-support/paths.js';
import { requireBuilt } from '../../test-support/require-build.js';

describe("the parts of undici the engine loads on their own", () => {
  it('are the very classes undici exports (the pinned version still has them where they were)', () => {
    expect(Agent).toBe(undiciIndex.Agent);
    expect(EnvHttpProxyAgent).toBe(undiciIndex.EnvHttpProxyAgent);
  });

  it('make the same request as undici.request: method, path with its query, headers, body, answer', async () => {
    const seen: { method?: string; url?: string; type?: string; body: string }[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => { body += chunk.toString(); });
      req.on('end', () => {
        seen.push({ method: req.method, url: req.url, type: req.headers['content-type'], body });
        res.writeHead(201, { 'x-answer': 'yes' }).end('{"ok":true}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const dispatcher = new Agent();
    try {
      const { port } = server.address() as AddressInfo;
      const response = await request(new URL(`http://127.0.0.1:${port}/api/provision/claim?x=1`), { dispatcher, method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' });
      expect(response.statusCode).toBe(201);
      expect(response.headers['x-answer']).toBe('yes');
      expect(await response.body.json()).toEqual({ ok: true });
      expect(seen).toEqual([{ method: 'POST', url: '/api/provision/claim?x=1', type: 'application/json', body: '{"a":1}' }]);
    } finally {
      await dispatcher.close();
      server.close();
    }
  });

  it("keep undici's fetch, WebSocket, mock agent and caches out of the CLI bundle", () => {
    requireBuilt(['cli']);
    const dir = join(projectRoot(), 'dist', 'cli');
    const bundled = readdirSync(dir).filter((f) => f.endsWith('.cjs')).map((f) => readFileSync(join(dir, f), 'utf8')).join('\n');
    // Rolldown marks each module's code with its path (relative: it starts with ../ in a sandbox whose node_modules is a link).
    expect(bundled).toContain('node_modules/undici/lib/dispatcher/agent.js');
    for (const unwanted of ['undici/index.js', 'undici/lib/mock/', 'undici/lib/web/websocket/', 'undici/lib/cache/', 'undici/lib/interceptor/']) {
      expect(bundled, unwanted).not.toContain(`node_modules/${unwanted}`);
    }
  });
});
