import type { Readable, Writable } from 'node:stream';

/** The CLI's world, injectable so tests call it as a function (and the bin passes the real process). */
export interface CliIo {
  readonly stdin: Readable;
  readonly stdout: Writable;
  readonly stderr: Writable;
  readonly env: NodeJS.ProcessEnv;
  /** Delivers Ctrl-C; the real process's SIGINT by default. */
  readonly onInterrupt?: (handler: () => void) => () => void;
}

export function processIo(): CliIo {
  return {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    onInterrupt: (handler) => {
      process.on('SIGINT', handler);
      process.on('SIGTERM', handler);
      return () => {
        process.off('SIGINT', handler);
        process.off('SIGTERM', handler);
      };
    },
  };
}

export function writeLine(stream: Writable, line = ''): void {
  stream.write(`${line}\n`);
}
