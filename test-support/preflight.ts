import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import { connect as tcpConnect, createServer as createTcpServer, type AddressInfo, type Server as TcpServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { HttpClient } from '../agent-core/src/http/client.js';
import { parseApiEndpoint } from '../agent-core/src/http/endpoint.js';
import { runPreflight, type PreflightOptions, type PreflightReport } from '../agent-core/src/http/preflight.js';
import { createApp } from '../mock-server/src/app.js';
import { FAST_RETRY } from './backend.js';
import { useServersClosedAfterEach } from './closed-after-each.js';
import { PYTHON } from './python.js';

export interface ClientSettings {
  readonly caFile?: string;
  /** Tries of the health call; one unless a test is about retries. */
  readonly attempts?: number;
  readonly timeoutMs?: number;
}

/** Preflight knobs besides the client, plus the client's own settings and, for the clock check, where the appliance's clock stands relative to the server's last Date header. */
export type PreflightRun = Partial<Omit<PreflightOptions, 'client'>> & { readonly client?: ClientSettings; readonly clockAheadMs?: number };

/** The appliance's HTTP client for `url`, as the provisioning flow builds it. */
export function preflightClient(url: string, settings: ClientSettings = {}): HttpClient {
  const endpoint = parseApiEndpoint(url);
  if (!endpoint.ok) throw new Error(endpoint.error);
  const { caFile, attempts = 1, timeoutMs = 2_000 } = settings;
  const client = HttpClient.create({ endpoint: endpoint.data, retry: { ...FAST_RETRY, attempts }, timeoutMs, ...(caFile === undefined ? {} : { caFile }) });
  if (!client.ok) throw new Error(client.error);
  return client.data;
}

/** Runs the preflight against `url` directly (no proxy, whatever the environment says) unless the run says otherwise. */
export async function preflightOf(url: string, run: PreflightRun = {}): Promise<PreflightReport> {
  const { client: settings, clockAheadMs, ...options } = run;
  const client = preflightClient(url, settings);
  const clock = clockAheadMs === undefined ? {} : { now: () => (client.lastServerDate ?? Number.NaN) + clockAheadMs };
  try {
    return await runPreflight({ client, stageTimeoutMs: 2_000, viaProxy: false, ...clock, ...options });
  } finally {
    await client.close();
  }
}

export interface TlsBackend {
  readonly url: string;
  readonly port: number;
  /** The names clients asked for in the TLS handshake (SNI), in order. */
  readonly serverNames: readonly string[];
}

export interface TlsBackendOptions {
  readonly host?: string;
  readonly key: string;
  readonly cert: string;
}

/** A mock backend over HTTPS with the given certificate, on a loopback address; closed after each test. */
export function useTlsBackend(): (options: TlsBackendOptions) => Promise<TlsBackend> {
  const track = useServersClosedAfterEach();
  return async ({ host = '127.0.0.1', key, cert }) => {
    const serverNames: string[] = [];
    const handle = createApp({ rateLimit: false }).app.callback();
    const server = createHttpsServer({
      key,
      cert,
      // Called only when the client names a server; the default certificate answers either way.
      SNICallback: (name, done) => { serverNames.push(name); done(null); },
    }, (req, res) => { void handle(req, res); });
    track(server);
    await new Promise<void>((resolve) => server.listen(0, host, resolve));
    const { port } = server.address() as AddressInfo;
    return { url: `https://${host}:${port}`, port, serverNames };
  };
}

/** A TCP server whose every accepted connection the test handles, with the sockets it holds; destroyed after each test. */
export function useTcpServer(): (onConnection: (socket: Socket) => void, host?: string) => Promise<{ server: TcpServer; port: number }> {
  const servers: { server: TcpServer; sockets: Set<Socket> }[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map(({ server, sockets }) => new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => { resolve(); });
    })));
  });
  return async (onConnection, host = '127.0.0.1') => {
    const sockets = new Set<Socket>();
    const server = createTcpServer((socket) => {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
      socket.on('error', () => { /* the peer hanging up mid-test is the point of some tests */ });
      onConnection(socket);
    });
    servers.push({ server, sockets });
    await new Promise<void>((resolve) => server.listen(0, host, resolve));
    return { server, port: (server.address() as AddressInfo).port };
  };
}

/** A self-signed `localhost` certificate valid only between two dates (an expired one, or one not valid yet). */
export function makeDatedCert(dir: string, notBefore: string, notAfter: string): { key: string; cert: string; certPath: string } {
  const keyPath = join(dir, 'key.pem');
  const certPath = join(dir, 'cert.pem');
  const requestPath = join(dir, 'request.csr');
  const configPath = join(dir, 'ca.cnf');
  writeFileSync(join(dir, 'index.txt'), '');
  writeFileSync(join(dir, 'serial.txt'), '01\n');
  writeFileSync(configPath, [
    '[ca]', 'default_ca = dated', '[dated]', `database = ${join(dir, 'index.txt')}`, `new_certs_dir = ${dir}`, `serial = ${join(dir, 'serial.txt')}`,
    'default_md = sha256', 'policy = any', 'copy_extensions = copy', 'unique_subject = no', '[any]', 'commonName = supplied', '',
  ].join('\n'));
  execFileSync('openssl', [
    'req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', keyPath, '-out', requestPath,
    '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1',
  ], { stdio: 'ignore' });
  execFileSync('openssl', [
    'ca', '-batch', '-config', configPath, '-selfsign', '-keyfile', keyPath, '-in', requestPath, '-out', certPath, '-startdate', notBefore, '-enddate', notAfter,
  ], { stdio: 'ignore' });
  return { key: readFileSync(keyPath, 'utf8'), cert: readFileSync(certPath, 'utf8'), certPath };
}

/** Listens with a queue of one and never accepts (Node's own servers accept on their own); exits when its stdin closes. */
const NEVER_ACCEPTS = [
  'import socket, sys',
  'listener = socket.socket()',
  "listener.bind(('127.0.0.1', 0))",
  'listener.listen(0)',
  'print(listener.getsockname()[1], flush=True)',
  'sys.stdin.read()',
].join('\n');

/**
 * A loopback port that never answers a new connection, as an egress firewall that drops packets
 * looks from the appliance: its listener never accepts and one waiting connection fills its queue,
 * so the kernel drops every further SYN. Released after each test.
 */
export function useUnansweredPort(): () => Promise<number> {
  const releases: (() => void)[] = [];
  afterEach(() => {
    for (const release of releases.splice(0)) release();
  });
  return async () => {
    const child = spawn(PYTHON, ['-c', NEVER_ACCEPTS], { stdio: ['pipe', 'pipe', 'inherit'] });
    const port = await new Promise<number>((resolve, reject) => {
      child.once('error', reject);
      child.stdout.once('data', (chunk: Buffer) => { resolve(Number(chunk.toString('utf8').trim())); });
    });
    const filler = tcpConnect({ host: '127.0.0.1', port });
    releases.push(() => { filler.destroy(); child.stdin.end(); });
    await new Promise<void>((resolve, reject) => { filler.once('connect', resolve).once('error', reject); });
    return port;
  };
}
