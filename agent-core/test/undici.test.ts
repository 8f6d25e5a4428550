import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as undiciIndex from 'undici';
import { describe, expect, it } from 'vitest';
import { createDispatcher } from '../src/http/dispatcher.js';
import { Agent, EnvHttpProxyAgent, request } from '../src/http/undici.js';
import { projectRoot } from '../../test-support/paths.js';
import { requireBuilt } from '../../test-support/require-build.js';
import { makeLocalhostCert } from '../../test-support/tls.js';

const bundleFiles = () => {
  const dir = join(projectRoot(), 'dist', 'cli');
  return readdirSync(dir).filter((f) => f.endsWith('.cjs')).map((f) => join(dir, f));
};
/** Every module the CLI's chunks hold, as the build listed them (the chunks themselves carry no comments). */
const cliModules = (): string[] => {
  const list = JSON.parse(readFileSync(join(projectRoot(), 'dist', 'cli.modules.json'), 'utf8')) as Record<string, string[]>;
  // The list of this very build: chunk names carry a content hash, so a stale list names other files.
  expect(Object.keys(list).sort()).toEqual(bundleFiles().map((f) => f.slice(f.lastIndexOf('/') + 1)).sort());
  return Object.values(list).flat();
};

describe("the parts of undici the engine loads on their own", () => {
  it('are the very classes undici exports, narrowed to HTTP/1.1 (the pinned version still has them where they were)', () => {
    expect(Object.getPrototypeOf(Agent)).toBe(undiciIndex.Agent);
    expect(Object.getPrototypeOf(EnvHttpProxyAgent)).toBe(undiciIndex.EnvHttpProxyAgent);
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

  it("keep undici's fetch, WebSocket, mock agent, caches and Milo parser out of the CLI bundle", () => {
    requireBuilt(['cli']);
    // Paths relative to the project (they start with ../ in a sandbox whose node_modules is a link).
    const modules = cliModules();
    expect(modules.filter((m) => m.endsWith('node_modules/undici/lib/dispatcher/agent.js'))).toHaveLength(1);
    // Nor the experimental Milo parser: built as Node.js builds undici, llhttp always parses (rolldown.config.js).
    for (const unwanted of ['undici/index.js', 'undici/lib/mock/', 'undici/lib/web/websocket/', 'undici/lib/cache/', 'undici/lib/interceptor/', 'undici/lib/milo/', 'undici/lib/dispatcher/parser-h1.js']) {
      expect(modules.filter((m) => m.includes(`node_modules/${unwanted}`)), unwanted).toEqual([]);
    }
  });

  it('offer a TLS server HTTP/1.1 only, never h2 (ALPN), though undici would: the HTTP/2 client left out of the bundles is never needed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'osiris-alpn-'));
    const { key, cert, certPath } = makeLocalhostCert(dir);
    const offered: (string | false | null)[] = [];
    const server = createHttpsServer({ key, cert, ALPNProtocols: ['h2', 'http/1.1'] }, (req, res) => {
      offered.push('alpnProtocol' in req.socket ? (req.socket.alpnProtocol as string | false | null) : null);
      res.end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const endpoint = new URL(`https://localhost:${(server.address() as AddressInfo).port}`);
    const dispatcher = createDispatcher(endpoint, { caFile: certPath });
    if (!dispatcher.ok) throw new Error(dispatcher.error);
    try {
      const response = await request(new URL('/health', endpoint), { dispatcher: dispatcher.data, method: 'GET' });
      await response.body.dump();
      expect(response.statusCode).toBe(200);
      expect(offered).toEqual(['http/1.1']);
    } finally {
      await dispatcher.data.close();
      server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("keep undici's HTTP/2 client, and node:http2 with it, out of the CLI bundle", () => {
    requireBuilt(['cli']);
    const bundledModules = cliModules();
    expect(bundledModules.filter((m) => m.endsWith('node_modules/undici/lib/dispatcher/client.js'))).toHaveLength(1);
    expect(bundledModules.filter((m) => m.endsWith('undici/lib/dispatcher/client-h2.js'))).toEqual([]);
    expect(bundledModules.filter((m) => m.endsWith('agent-core/src/http/no-http2.cjs'))).toHaveLength(1);
    const bundled = bundleFiles().map((f) => readFileSync(f, 'utf8')).join('\n');
    expect(bundled).not.toMatch(/require\("node:http2"\)/);
    expect(bundled).toContain('HTTP/2 was negotiated, but the provisioning engine speaks HTTP/1.1 only');
    // The Electron bundle: electron/test/packaging.test.ts.
    // Loading the provisioning code, undici's client with it, loads no HTTP/2 module at all.
    const provisionChunk = bundleFiles().find((f) => /[/\\]provision-[^/\\]+\.cjs$/.test(f));
    expect(provisionChunk).toBeDefined();
    // A bare environment: this child only lists modules, and must not count as covering the engine's module-level code in a mutation run (test-support/mutation-bridge.ts).
    const loaded = execFileSync(process.execPath, ['-e', `require(${JSON.stringify(provisionChunk)}); process.stdout.write(JSON.stringify(process.moduleLoadList))`], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
    const modules = JSON.parse(loaded) as string[];
    expect(modules).toContain('NativeModule net');
    expect(modules.filter((m) => m.includes('http2'))).toEqual([]);
  });
});
