import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { constants, lstat, mkdir, open, readdir, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export const SECRET_FILE_MODE = 0o600;
export const SECRET_DIR_MODE = 0o700;

/** Points in a write where a test may stop the process, to prove a crash leaves no partial file. */
export type WritePhase = 'created' | 'written' | 'synced' | 'renamed';

export interface AtomicWriteOptions {
  readonly mode?: number;
  readonly dirMode?: number;
  /** Test seam: called at each phase; throwing (or killing the process) simulates a failure there. */
  readonly onPhase?: (phase: WritePhase, tempPath: string) => void | Promise<void>;
}

/**
 * Writes a whole file or nothing: a temp file in the same directory, created with the final
 * (narrow) mode so the content is never readable by others even for an instant, written and
 * fsynced, renamed over the target, then the directory fsynced so the rename survives power loss.
 * On failure the temp file is removed and the target is untouched. Errors are Node's own (with
 * `code`); callers turn them into operator messages.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true, mode: options.dirMode ?? SECRET_DIR_MODE });
  await removeStaleTemps(dir, basename(path));
  const temp = tempPathFor(path);
  const flags = constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY | constants.O_NOFOLLOW;
  const handle = await open(temp, flags, options.mode ?? SECRET_FILE_MODE);
  try {
    await options.onPhase?.('created', temp);
    await handle.writeFile(data);
    await options.onPhase?.('written', temp);
    await handle.sync();
    await handle.close();
    await options.onPhase?.('synced', temp);
    await rename(temp, path);
    await options.onPhase?.('renamed', temp);
    await syncDirectory(dir);
  } catch (err) {
    await handle.close().catch(() => undefined);
    // Once renamed, the temp name is gone and this finds nothing: the new content stays in place.
    await unlink(temp).catch(() => undefined);
    throw err;
  }
}

/** `.<name>.<pid>.<random>.tmp` beside the target: unique per writer, and says whose it is. */
export function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
}

/** fsync on the directory makes a rename durable; some filesystems refuse it, which is harmless. */
export async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, constants.O_RDONLY | constants.O_DIRECTORY);
  try {
    await handle.sync().catch((err: unknown) => {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'EINVAL' && code !== 'ENOTSUP') throw err;
    });
  } finally {
    await handle.close();
  }
}

/**
 * Temp files a killed process left behind. A temp name carries its writer's pid: only files whose
 * writer is gone (no such process, or written before this boot) are removed, so two writers of the
 * same file never delete each other's work in progress.
 */
export async function removeStaleTemps(dir: string, base: string): Promise<void> {
  const names = await readdir(dir);
  await Promise.all(names.map(async (name) => {
    if (await isStaleTemp(dir, name, base)) await unlink(join(dir, name)).catch(() => undefined);
  }));
}

/** True for `.<base>.<pid>.<hex>.tmp` whose writer is gone (no such process, or written before this boot). */
export async function isStaleTemp(dir: string, name: string, base: string): Promise<boolean> {
  const prefix = `.${base}.`;
  if (!name.startsWith(prefix)) return false;
  const path = join(dir, name);
  const pid = Number(/^(\d+)\.[0-9a-f]+\.tmp$/.exec(name.slice(prefix.length))?.[1] ?? Number.NaN);
  if (!Number.isInteger(pid)) return false;
  if (!processExists(pid)) return true;
  const stat = await lstat(path).catch(() => undefined);
  return stat !== undefined && stat.mtimeMs < bootTimeMs();
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/** When this boot began (the kernel's `btime`); a temp file older than that was left before a reboot. */
function bootTimeMs(): number {
  try {
    const btime = /^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'))?.[1];
    return btime === undefined ? 0 : Number(btime) * 1000;
  } catch {
    return 0;
  }
}
