import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { CLI } from './cli.js';
import { mutationEnv } from './mutation-env.js';

/** The system calls the durability test watches: files opened, written, fsynced, renamed, closed; requests sent. */
const TRACED = 'openat,write,writev,pwrite64,fsync,fdatasync,rename,renameat,renameat2,close,sendto,sendmsg';

/** One system call as `strace -f` logged it, with where in the log it began and where it returned. */
export interface Syscall {
  readonly name: string;
  readonly args: string;
  readonly result: string;
  readonly start: number;
  readonly end: number;
  /** For a call on a descriptor: the path the descriptor was opened with (tracked through openat and close). */
  readonly path?: string;
}

/** Runs the real `osiris-provision` under `strace -f` and returns its exit code and every traced call, in order. */
export async function traceCli(args: readonly string[], logPath: string): Promise<{ code: number | null; stderr: string; calls: Syscall[] }> {
  const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
    const child = spawn('strace', ['-f', '-qq', '-s', '256', '-e', `trace=${TRACED}`, '-o', logPath, process.execPath, CLI, ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...mutationEnv() },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (chunk: Buffer) => { err += chunk.toString(); });
    child.on('error', reject);
    child.on('close', (exit) => { resolve({ code: exit, stderr: err }); });
  });
  return { code, stderr, calls: parseStrace(await readFile(logPath, 'utf8')) };
}

const LINE = /^(\d+)\s+(.*)$/;
const CALL = /^(\w+)\((.*)\)\s+=\s+(.*)$/s;
const UNFINISHED = /^(\w+)\((.*) <unfinished \.\.\.>$/s;
const RESUMED = /^<\.\.\. (\w+) resumed>(.*)$/s;

/**
 * Parses `strace -f` output. Node does its file work on libuv's thread pool, so a call may be
 * logged in two halves (`<unfinished ...>`, then `<... name resumed>`) with other threads' calls
 * between: the halves are joined, keeping the line where the call began and the one where it returned.
 */
export function parseStrace(log: string): Syscall[] {
  const pending = new Map<string, { name: string; head: string; start: number }>();
  const fds = new Map<string, string>();
  const calls: Syscall[] = [];
  log.split('\n').forEach((raw, index) => {
    const line = LINE.exec(raw);
    if (line === null) return;
    const [, tid = '', text = ''] = line;
    const unfinished = UNFINISHED.exec(text);
    if (unfinished !== null) {
      pending.set(tid, { name: unfinished[1] ?? '', head: unfinished[2] ?? '', start: index });
      return;
    }
    let name: string;
    let argsText: string;
    let result: string;
    let start = index;
    const resumed = RESUMED.exec(text);
    if (resumed !== null) {
      const head = pending.get(tid);
      pending.delete(tid);
      const tail = /^(.*)\)\s+=\s+(.*)$/s.exec(resumed[2] ?? '');
      if (head === undefined || tail === null) return;
      name = head.name;
      argsText = head.head + (tail[1] ?? '');
      result = tail[2] ?? '';
      start = head.start;
    } else {
      const call = CALL.exec(text);
      if (call === null) return;
      [, name = '', argsText = '', result = ''] = call;
    }
    const fd = /^(\d+)/.exec(argsText)?.[1];
    const path = name === 'openat' ? /^AT_FDCWD, "([^"]*)"/.exec(argsText)?.[1] : fd === undefined ? undefined : fds.get(fd);
    if (name === 'openat' && path !== undefined && /^\d+/.test(result)) fds.set(/^(\d+)/.exec(result)?.[1] ?? '', path);
    if (name === 'close' && fd !== undefined) fds.delete(fd);
    calls.push({ name, args: argsText, result, start, end: index, ...(path === undefined ? {} : { path }) });
  });
  return calls;
}
