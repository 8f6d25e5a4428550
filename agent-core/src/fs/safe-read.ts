import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';

export type SafeRead =
  | { readonly ok: true; readonly text: string }
  | {
      readonly ok: false;
      /** `missing`: no such file; `refused`: a link, FIFO, device or oversized file; `error`: the read failed. */
      readonly kind: 'missing' | 'refused' | 'error';
      readonly reason: string;
      readonly errno?: string;
    };

/**
 * Reads a small file the engine trusts (config, journal, lock, key) without following a symbolic
 * link, without blocking on a FIFO (opened non-blocking, then refused), without reading a device,
 * and never more than `maxBytes`: a state directory is not a place for anything else, and a planted
 * link to /dev/zero must not be read until memory runs out. Synchronous: these files are tiny, and
 * the boot-time check must not start libuv's thread pool.
 */
export function readRegularFile(path: string, maxBytes: number): SafeRead {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (err) {
    const errno = (err as NodeJS.ErrnoException).code ?? 'error';
    if (errno === 'ENOENT' || errno === 'ENOTDIR') return { ok: false, kind: 'missing', reason: 'no such file', errno };
    if (errno === 'ELOOP') return { ok: false, kind: 'refused', reason: 'it is a symbolic link (refused)', errno };
    return { ok: false, kind: 'error', reason: `cannot read it (${errno})`, errno };
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) return { ok: false, kind: 'refused', reason: 'it is not a regular file (refused)' };
    if (stat.size > maxBytes) return { ok: false, kind: 'refused', reason: `it is larger than ${maxBytes} bytes (refused)` };
    const buffer = Buffer.alloc(maxBytes + 1);
    let length = 0;
    for (;;) {
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
      if (length > maxBytes) return { ok: false, kind: 'refused', reason: `it is larger than ${maxBytes} bytes (refused)` };
    }
    return { ok: true, text: buffer.toString('utf8', 0, length) };
  } catch (err) {
    const errno = (err as NodeJS.ErrnoException).code ?? 'error';
    return { ok: false, kind: 'error', reason: `cannot read it (${errno})`, errno };
  } finally {
    closeSync(fd);
  }
}
