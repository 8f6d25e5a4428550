import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
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

/**
 * The server gets CPU 0 and this process (the load generator) CPU 1, where taskset and two CPUs are
 * there: otherwise both share the cores unpinned and the figures measure the scheduler as much.
 */
export function pinning(): { server: string[]; pinned: boolean } {
  const cpus = availableParallelism();
  const taskset = spawnSync('taskset', ['-cp', '1', String(process.pid)], { stdio: 'ignore' });
  const pinned = cpus >= 2 && taskset.status === 0;
  return { server: pinned ? ['taskset', '-c', '0'] : [], pinned };
}

/** Starts a server script in its own process (pinned as `prefix` says) and waits for the URL it prints. */
export async function startChildServer(script: string, args: readonly string[] = [], prefix: readonly string[] = []): Promise<{ url: string; child: ChildProcess }> {
  const [command, ...rest] = [...prefix, process.execPath, script, ...args];
  const child = spawn(command ?? process.execPath, rest, { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => { reject(new Error(`${script} exited ${String(code)}`)); });
    createInterface({ input: child.stdout }).once('line', resolve);
  });
  return { url, child };
}
