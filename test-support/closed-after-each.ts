import type { Server } from 'node:http';
import { afterEach } from 'vitest';

/** HTTP(S) servers a test support helper starts, each closed (its connections too) after every test: `track(server)` registers one. */
export function useServersClosedAfterEach(): (server: Server) => void {
  const servers: Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => { resolve(); });
    })));
  });
  return (server) => { servers.push(server); };
}
