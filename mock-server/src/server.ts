import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp, type MockApp, type MockServerOptions } from './app.js';
import { loadFixture } from './fixtures.js';
import { loadState, persistState } from './state-file.js';
import { Store } from './store.js';

export interface StartOptions extends MockServerOptions {
  readonly port?: number;
  readonly host?: string;
  readonly fixturePath?: string;
  /** JSON file holding the server's state across restarts. */
  readonly statePath?: string;
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
  let store = options.store;
  let persistence: { flush: () => Promise<void> } | undefined;
  if (options.statePath !== undefined) {
    store ??= Store.fromFixture(fixture, options.now);
    const saved = await loadState(options.statePath);
    if (saved !== undefined) store.restore(saved);
    persistence = persistState(store, options.statePath);
  }
  const mock = createApp({ ...options, fixture, ...(store === undefined ? {} : { store }) });
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
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => { resolve(); }));
      await persistence?.flush();
    },
  };
}
