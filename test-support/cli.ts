import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { mutationEnv } from './mutation-env.js';

export const CLI = fileURLToPath(new URL('../bin/osiris-provision.cjs', import.meta.url));
export const MOCK_CLI = fileURLToPath(new URL('../bin/osiris-mock-server.js', import.meta.url));

export interface CliRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliRunOptions {
  readonly input?: string;
  readonly env?: Record<string, string>;
  /** Options for Node itself, before the script (a V8 flag that stands for another CPU, say). */
  readonly nodeArgs?: readonly string[];
  /** Called once stdout contains this text (to send a signal mid-run, say). */
  readonly onOutput?: { readonly text: string; readonly then: (pid: number) => void };
}

/** Runs the real `osiris-provision` process, as a technician or a systemd unit would. */
export function runCli(args: readonly string[], options: CliRunOptions = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), CLI, ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...mutationEnv(), ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let fired = false;
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (!fired && options.onOutput !== undefined && stdout.includes(options.onOutput.text) && child.pid !== undefined) {
        fired = true;
        options.onOutput.then(child.pid);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    child.on('error', reject);
    child.on('close', (code, signal) => { resolve({ code, signal, stdout, stderr }); });
    if (options.input !== undefined) child.stdin.end(options.input);
    else if (options.onOutput === undefined) child.stdin.end();
  });
}
