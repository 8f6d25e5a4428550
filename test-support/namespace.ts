import { spawn } from 'node:child_process';
import { CLI, type CliRun } from './cli.js';
import { mutationEnv } from './mutation-env.js';

/**
 * Runs the real `osiris-provision` in a private mount namespace (`unshare -m`, as root) after a
 * shell `setup` that mounts what the test needs there: a read-only state directory, a full disk.
 * The machine's own mounts are untouched, and the namespace ends with the process.
 */
export function runCliInNamespace(setup: string, args: readonly string[], env: Record<string, string> = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn('unshare', ['-m', '--propagation', 'private', 'sh', '-ec', `${setup}\nexec "$@"`, 'sh', process.execPath, CLI, ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...mutationEnv(), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    child.on('error', reject);
    child.on('close', (code, signal) => { resolve({ code, signal, stdout, stderr }); });
  });
}

/** Shell that makes `dir` read-only inside the namespace. */
export const readOnly = (dir: string) => `mount --bind '${dir}' '${dir}'\nmount -o remount,ro,bind '${dir}'`;

/** Shell that mounts a tiny tmpfs on `dir` (mode 0700) and fills it, so the next write finds the disk full. */
export const fullDisk = (dir: string) => `mount -t tmpfs -o size=64k,mode=0700 tmpfs '${dir}'\ndd if=/dev/zero of='${dir}/filler' bs=4k 2>/dev/null || true`;
