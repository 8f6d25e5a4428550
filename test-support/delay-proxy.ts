import { connect, createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A TCP proxy on loopback that behaves like a link with a round-trip time: every chunk waits half
 * the RTT in each direction, and a new connection waits one RTT before it carries data (the TCP
 * handshake). `tc netem` is not available in this kernel; this gives the same round-trip counts.
 */
export interface DelayProxy {
  readonly url: string;
  /** Connections accepted so far. */
  connections(): number;
  /**
   * Round trips so far, counted from the traffic rather than timed (so a loaded machine cannot blur
   * them): one per connection opened (its handshake), and one each time the client speaks after the
   * server last spoke on that connection (a new request that had to wait for an answer). Requests
   * sent back to back — pipelined — share one round trip.
   */
  roundTrips(): number;
  close(): Promise<void>;
}

export async function startDelayProxy(target: URL, rttMs: number): Promise<DelayProxy> {
  let accepted = 0;
  let trips = 0;
  const sockets = new Set<Socket>();
  const relay = (from: Socket, to: Socket, onData: () => void) => {
    from.on('data', (chunk: Buffer) => {
      onData();
      setTimeout(() => { if (!to.destroyed) to.write(chunk); }, rttMs / 2);
    });
    from.on('end', () => { setTimeout(() => { to.end(); }, rttMs / 2); });
    from.on('error', () => { to.destroy(); });
  };
  const server: Server = createServer((client) => {
    accepted += 1;
    trips += 1;
    let lastSpoke: 'client' | 'server' | undefined;
    sockets.add(client);
    client.pause();
    setTimeout(() => {
      const upstream = connect(Number(target.port), target.hostname, () => {
        relay(client, upstream, () => {
          if (lastSpoke === 'server') trips += 1;
          if (lastSpoke === undefined) trips += 1;
          lastSpoke = 'client';
        });
        relay(upstream, client, () => { lastSpoke = 'server'; });
        client.resume();
      });
      sockets.add(upstream);
      upstream.on('close', () => sockets.delete(upstream));
    }, rttMs);
    client.on('close', () => sockets.delete(client));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    connections: () => accepted,
    roundTrips: () => trips,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => { resolve(); }));
    },
  };
}
