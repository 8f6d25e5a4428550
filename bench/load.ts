import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';

export interface LoadRequest {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly body?: string;
}

export interface LoadResult {
  readonly requests: number;
  readonly rps: number;
  readonly statuses: Record<number, number>;
}

/** Keeps `connections` requests in flight for `durationMs` (or until `next` runs out) and counts answers. */
export async function runLoad(url: string, connections: number, durationMs: number, next: (i: number) => LoadRequest | undefined): Promise<LoadResult> {
  const pool = new Pool(url, { connections, pipelining: 1 });
  const statuses: Record<number, number> = {};
  let issued = 0;
  let done = 0;
  const started = performance.now();
  const deadline = started + durationMs;
  const worker = async () => {
    for (;;) {
      if (performance.now() >= deadline) return;
      const request = next(issued++);
      if (request === undefined) return;
      const response = await pool.request({
        method: request.method,
        path: request.path,
        ...(request.body === undefined ? {} : { body: request.body, headers: { 'content-type': 'application/json' } }),
      });
      await response.body.dump();
      statuses[response.statusCode] = (statuses[response.statusCode] ?? 0) + 1;
      done += 1;
    }
  };
  await Promise.all(Array.from({ length: connections }, worker));
  const elapsed = (performance.now() - started) / 1000;
  await pool.close();
  return { requests: done, rps: done / elapsed, statuses };
}

/** Starts a server script in its own process and waits for the URL it prints. */
export async function startChildServer(script: string, args: readonly string[] = []): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => { reject(new Error(`${script} exited ${String(code)}`)); });
    createInterface({ input: child.stdout }).once('line', resolve);
  });
  return { url, child };
}
