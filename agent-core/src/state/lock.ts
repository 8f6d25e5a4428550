import { randomBytes } from 'node:crypto';
import { constants, readFileSync } from 'node:fs';
import { link, open, rename, unlink } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { LOCK_RETRY_MS, LOCK_WAIT_MS } from '../constants.js';
import { removeStaleTemps, SECRET_FILE_MODE, tempPathFor } from '../fs/atomic-write.js';
import { readRegularFile } from '../fs/safe-read.js';
import { fail, ok, type Result } from '../result.js';
import { sleep } from '../http/retry.js';

/** Who holds the state directory: enough to tell a technician, and to tell a live holder from a dead one. */
interface LockRecord {
  readonly token: string;
  readonly pid: number;
  readonly purpose: string;
  readonly since: string;
  readonly boot_id?: string;
  readonly start_time?: string;
}

export interface HeldLock {
  release(): Promise<void>;
}

export interface LockOptions {
  /** How long to wait for a holder to finish (a drop-ship poll takes seconds); 0 fails at once. */
  readonly waitMs?: number;
}

const LOCK_MAX_BYTES = 4096;
/** Locks held by this process, by path: the kiosk's drop-ship poller and a code claim share one process. */
const heldHere = new Map<string, string>();

/**
 * One provisioning run at a time per state directory — the CLI, the kiosk and the drop-ship poller
 * alike — so exactly one path writes the config. The lock is a file made complete before it appears
 * (written, then hard-linked into place, which fails if one exists). A holder that died (power cut,
 * SIGKILL) is recognised by its process id, the process's start time and the boot it ran in, and its
 * lock is taken over; a live one is named in the refusal.
 */
export async function acquireLock(path: string, purpose: string, options: LockOptions = {}): Promise<Result<HeldLock>> {
  const deadline = Date.now() + (options.waitMs ?? LOCK_WAIT_MS);
  for (;;) {
    const attempt = await tryAcquire(path, purpose);
    if (attempt.ok || Date.now() >= deadline) return attempt;
    await sleep(LOCK_RETRY_MS);
  }
}

async function tryAcquire(path: string, purpose: string): Promise<Result<HeldLock>> {
  const mine = heldHere.get(path);
  if (mine !== undefined) return refusal(`${mine} in this process`);
  const record: LockRecord = { token: randomBytes(8).toString('hex'), pid: process.pid, purpose, since: new Date().toISOString(), ...processIdentity(process.pid) };
  const temp = tempPathFor(path);
  try {
    await removeStaleTemps(dirname(path), basename(path));
    const handle = await open(temp, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY | constants.O_NOFOLLOW, SECRET_FILE_MODE);
    await handle.writeFile(`${JSON.stringify(record)}\n`).finally(() => handle.close());
    for (let tries = 0; tries < 2; tries += 1) {
      try {
        await link(temp, path);
        heldHere.set(path, purpose);
        return ok({ release: () => release(path, record.token) });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      const holder = readHolder(path);
      if (holder !== undefined && isAlive(holder)) return refusal(describe(holder));
      await removeStale(path);
    }
    return refusal('another run');
  } catch (err) {
    return fail('io', `Cannot take the provisioning lock ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}

function refusal(holder: string): Result<never> {
  return fail('locked', `Provisioning is already running (${holder})`, 'Wait for it to finish, or stop it first; only one provisioning run may write the configuration.');
}

function describe(holder: LockRecord): string {
  return `${holder.purpose}, pid ${holder.pid}, since ${holder.since}`;
}

function readHolder(path: string): LockRecord | undefined {
  const read = readRegularFile(path, LOCK_MAX_BYTES);
  if (!read.ok) return undefined;
  try {
    const parsed = JSON.parse(read.text) as Partial<LockRecord>;
    return typeof parsed.pid === 'number' && typeof parsed.token === 'string' ? (parsed as LockRecord) : undefined;
  } catch {
    return undefined;
  }
}

/** A stale lock is moved aside first, so two runs that both found it stale cannot delete each other's new one by name. */
async function removeStale(path: string): Promise<void> {
  const aside = `${path}.stale-${randomBytes(4).toString('hex')}`;
  await rename(path, aside).catch(() => undefined);
  await unlink(aside).catch(() => undefined);
}

async function release(path: string, token: string): Promise<void> {
  if (readHolder(path)?.token === token) await unlink(path).catch(() => undefined);
  heldHere.delete(path);
}

/** The boot and the process's start time (in clock ticks since boot): a reused pid after a reboot is not the holder. */
function processIdentity(pid: number): { boot_id?: string; start_time?: string } {
  const bootId = readProc('/proc/sys/kernel/random/boot_id')?.trim();
  const startTime = startTimeOf(pid);
  return { ...(bootId === undefined ? {} : { boot_id: bootId }), ...(startTime === undefined ? {} : { start_time: startTime }) };
}

function startTimeOf(pid: number): string | undefined {
  const stat = readProc(`/proc/${pid}/stat`);
  // Field 22; the command name (field 2) is in parentheses and may itself contain spaces.
  return stat?.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
}

function isAlive(holder: LockRecord): boolean {
  const now = processIdentity(holder.pid);
  if (holder.boot_id !== undefined && now.boot_id !== undefined && holder.boot_id !== now.boot_id) return false;
  try {
    process.kill(holder.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  return holder.start_time === undefined || now.start_time === undefined || holder.start_time === now.start_time;
}

function readProc(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}
