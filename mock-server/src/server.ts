import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp, type MockApp, type MockServerOptions } from './app.js';
import { loadFixture } from './fixtures.js';
import { loadState, persistState, type Persistence, type StateWriter } from './state-file.js';
import { Store } from './store/index.js';

export interface StartOptions extends MockServerOptions {
  readonly port?: number;
  readonly host?: string;
  readonly fixturePath?: string;
  /** JSON file holding the server's state across restarts. */
  readonly statePath?: string;
  /** Where problems worth a line go (a failed state save); stderr by default. */
  readonly log?: (line: string) => void;
  /** Test seam: how the state file is written (a full disk is simulated by wrapping it). */
  readonly stateWriter?: StateWriter;
}

export interface RunningServer {
  readonly url: string;
  readonly mock: MockApp;
  readonly server: Server;
  close(): Promise<void>;
}

/** Starts the mock backend on a port (0 picks a free one) and says where it is. */
export async function startServer(options: StartOptions = {}): Promise<RunningServer> {
  const fixture = options.fixture ?? (await loadFixture(options.fixturePath));
  const store = options.store ?? Store.fromFixture(fixture, options.now);
  let persistence: Persistence | undefined;
  if (options.statePath !== undefined) {
    const saved = await loadState(options.statePath);
    if (saved !== undefined) store.restore(saved);
    persistence = persistState(store, options.statePath, options.log ?? ((line) => { process.stderr.write(`${line}\n`); }), options.stateWriter);
  }
  const mock = createApp({ ...options, fixture, store, ...(persistence === undefined ? {} : { durable: () => persistence.durable() }) });
  const handle = mock.app.callback();
  const server = createServer((req, res) => {
    void handle(req, res);
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${port}`,
    mock,
    server,
    close: async () => {
      mock.dashboard?.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => { resolve(); }));
      await persistence?.flush();
      persistence?.close();
    },
  };
}
