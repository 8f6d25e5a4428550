import { writeSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { safeJson, terminalSafe } from '../text.js';

/** Where the CLI writes text: a stream, or the light fd writer below. */
export interface TextSink {
  write(text: string): unknown;
}

/** The CLI's world, injectable so tests call it as a function (and the bin passes the real process). */
export interface CliIo {
  readonly stdin: Readable;
  readonly stdout: TextSink;
  readonly stderr: TextSink;
  readonly env: NodeJS.ProcessEnv;
  /** Delivers Ctrl-C; the real process's SIGINT by default. */
  readonly onInterrupt?: (handler: () => void) => () => void;
}

/**
 * The real process. Output goes straight to the file descriptors and stdin is looked up only when
 * read: creating process.stdout/stdin loads Node's stream machinery, which would cost the
 * boot-time `--check` more than everything else it does.
 */
export function processIo(): CliIo {
  return {
    get stdin() {
      return process.stdin;
    },
    stdout: fdSink(1, () => process.stdout),
    stderr: fdSink(2, () => process.stderr),
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

/** Streams that took over a write (a full non-blocking pipe): the process must not exit before they drain. */
const queued = new Set<NodeJS.WriteStream>();

function fdSink(fd: number, stream: () => NodeJS.WriteStream): TextSink {
  return {
    write(text: string) {
      try {
        writeSync(fd, text);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        // A non-blocking pipe that is full: let the stream queue it. A closed reader: nobody to tell.
        if (code === 'EAGAIN') {
          queued.add(stream());
          stream().write(text);
        } else if (code !== 'EPIPE') throw err;
      }
      return true;
    },
  };
}

/**
 * Ends the process with `code` as soon as everything printed has left. When the CLI's main
 * resolves, every file it wrote is fsynced and every line written synchronously: waiting for the
 * event loop to empty would only wait for keep-alive sockets to wind down and for V8's background
 * compilation of undici's WebAssembly parser to finish (tens of milliseconds for nothing).
 */
export function exitWhenFlushed(code: number): void {
  const pending = [...queued].filter((s) => s.writableLength > 0);
  if (pending.length === 0) process.exit(code);
  let left = pending.length;
  for (const stream of pending) stream.once('drain', () => { if ((left -= 1) === 0) process.exit(code); });
}

export function writeLine(stream: TextSink, line = ''): void {
  stream.write(`${line}\n`);
}

/** A JSON result line (one object on stdout with --json). */
export function writeJson(stream: TextSink, value: unknown): void {
  stream.write(`${safeJson(value)}\n`);
}

/**
 * The one place terminal output is made safe: every sink the CLI writes to goes through this, so no
 * server string (a site id, a partner name, an error detail) can clear the screen, retitle the
 * window, write the clipboard (OSC 52), fake a green "OK" or reverse the text after it.
 */
export function safeIo(io: CliIo): CliIo {
  const wrap = (sink: TextSink): TextSink => ({ write: (text: string) => sink.write(terminalSafe(text)) });
  // Not a spread: that would read the stdin getter, and create process.stdin, on every run.
  return {
    get stdin() {
      return io.stdin;
    },
    stdout: wrap(io.stdout),
    stderr: wrap(io.stderr),
    env: io.env,
    ...(io.onInterrupt === undefined ? {} : { onInterrupt: io.onInterrupt }),
  };
}
