import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';

/** Wall time from spawn to exit of one command, in milliseconds; fails loudly on an unexpected exit code. */
export function timeProcess(command: string, args: readonly string[], expectedExit: number, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { stdio: 'ignore', env });
    child.on('error', reject);
    child.on('close', (code) => {
      const elapsed = performance.now() - started;
      if (code === expectedExit) resolve(elapsed);
      else reject(new Error(`${args.join(' ')} exited ${String(code)}, expected ${expectedExit}`));
    });
  });
}

/** As timeProcess, also noting when the first byte of stdout arrived (a `--json` result line): the rest is the process winding down. */
export function timeProcessOutput(command: string, args: readonly string[], expectedExit: number): Promise<{ readonly totalMs: number; readonly outputMs: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let outputMs = Number.NaN;
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'ignore'] });
    child.stdout.once('data', () => {
      outputMs = performance.now() - started;
    });
    child.stdout.resume();
    child.on('error', reject);
    child.on('close', (code) => {
      const totalMs = performance.now() - started;
      if (code === expectedExit && !Number.isNaN(outputMs)) resolve({ totalMs, outputMs });
      else reject(new Error(`${args.join(' ')} exited ${String(code)} (expected ${expectedExit}) ${Number.isNaN(outputMs) ? 'without output' : ''}`));
    });
  });
}

export interface Contender {
  readonly name: string;
  readonly run: () => Promise<number>;
}

/** Runs the contenders in turn, round after round, so drift in machine load hits each the same. */
export async function interleave(contenders: readonly Contender[], rounds: number, warmup = 2): Promise<Map<string, number[]>> {
  const samples = new Map(contenders.map((c) => [c.name, [] as number[]]));
  for (let round = 0; round < rounds + warmup; round += 1) {
    for (const contender of contenders) {
      const elapsed = await contender.run();
      if (round >= warmup) samples.get(contender.name)?.push(elapsed);
    }
  }
  return samples;
}
