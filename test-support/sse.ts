import { request, type IncomingHttpHeaders } from 'node:http';

export interface SseEvent {
  readonly event: string;
  readonly data: string;
  readonly id?: string;
  /** When it was parsed (performance.now()), for latency figures. */
  readonly at: number;
}

export interface SseStream {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly events: SseEvent[];
  /** Comment lines seen (the server's keep-alives). */
  comments: number;
  /** Resolves when the server ends the stream. */
  readonly ended: Promise<void>;
  /** The first event (already received or still to come) that satisfies `test`. */
  next(test: (event: SseEvent) => boolean, timeoutMs?: number): Promise<SseEvent>;
  close(): void;
}

const DEFAULT_WAIT_MS = 10_000;

/** A Server-Sent Events client as a browser's EventSource reads a stream (event, data, id fields; `:` comments), without reconnecting. */
export function openSse(url: string, headers: Record<string, string> = {}): Promise<SseStream> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { accept: 'text/event-stream', ...headers }, agent: false }, (res) => {
      const waiters = new Set<() => void>();
      let buffer = '';
      let fields: { event?: string; data: string[]; id?: string } = { data: [] };
      let endStream: () => void = () => undefined;
      const stream: SseStream = {
        status: res.statusCode ?? 0,
        headers: res.headers,
        events: [],
        comments: 0,
        ended: new Promise<void>((done) => { endStream = done; }),
        next: (test, timeoutMs = DEFAULT_WAIT_MS) => new Promise((found, fail) => {
          const check = () => {
            const hit = stream.events.find(test);
            if (hit === undefined) return false;
            clearTimeout(timer);
            waiters.delete(check);
            found(hit);
            return true;
          };
          const timer = setTimeout(() => { waiters.delete(check); fail(new Error('no such event arrived')); }, timeoutMs);
          if (!check()) waiters.add(check);
        }),
        close: () => { req.destroy(); },
      };
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let newline: number;
        while ((newline = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, newline);
          buffer = buffer.slice(newline + 1);
          if (line === '') {
            if (fields.data.length > 0) stream.events.push({ event: fields.event ?? 'message', data: fields.data.join('\n'), ...(fields.id === undefined ? {} : { id: fields.id }), at: performance.now() });
            fields = { data: [] };
            for (const waiter of [...waiters]) waiter();
          } else if (line.startsWith(':')) stream.comments += 1;
          else {
            const colon = line.indexOf(':');
            const name = colon < 0 ? line : line.slice(0, colon);
            const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
            if (name === 'data') fields.data.push(value);
            else if (name === 'event') fields.event = value;
            else if (name === 'id') fields.id = value;
          }
        }
      });
      res.on('end', () => { endStream(); });
      res.on('close', () => { endStream(); });
      resolve(stream);
    });
    req.on('error', reject);
    req.end();
  });
}
