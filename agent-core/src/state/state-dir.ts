import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { chmod, lstat, mkdir, open, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { CONFIG_FILE_NAME, JOURNAL_FILE_NAME, SIGNED_KEYS_FILE_NAME, SUCCESS_MARKER_NAME } from '../constants.js';
import { SECRET_DIR_MODE, SECRET_FILE_MODE } from '../fs/atomic-write.js';
import { ioFailure } from '../fs/io-errors.js';
import { fail, ok, type Result } from '../result.js';

/**
 * Makes sure the state directory can be trusted and written before anything irreversible happens.
 * Trusted: a real directory (not a symbolic link), owned by the user provisioning, mode 0700 (fixed
 * when we own it): a directory another user can write is a place where a planted journal redirects
 * provisioning to an attacker's site, key and endpoint. Writable: a probe file is created, written,
 * fsynced and removed, so a full or read-only disk is found before a code is spent, not after.
 */
export async function prepareStateDir(dir: string): Promise<Result<void>> {
  const trusted = await trustDirectory(dir);
  if (!trusted.ok) return trusted;
  return probeWritable(dir);
}

/** The trust half of prepareStateDir, for readers that must not create anything (the kiosk's state). */
export async function trustDirectory(dir: string, create = true): Promise<Result<void>> {
  let stat = await lstat(dir).catch((err: unknown) => err as NodeJS.ErrnoException);
  if (stat instanceof Error && stat.code === 'ENOENT' && create) {
    const made = await mkdir(dir, { recursive: true, mode: SECRET_DIR_MODE }).then(() => undefined, (err: unknown) => err);
    if (made !== undefined) return ioFailure(made, dir, 'create');
    stat = await lstat(dir).catch((err: unknown) => err as NodeJS.ErrnoException);
  }
  if (stat instanceof Error) return stat.code === 'ENOENT' ? ok(undefined) : ioFailure(stat, dir, 'read');
  if (stat.isSymbolicLink()) {
    return fail('io', `State directory ${dir} is a symbolic link: refusing to use it`, 'Make it a real directory owned by the provisioning user, mode 0700.');
  }
  if (!stat.isDirectory()) return fail('io', `State directory ${dir} is not a directory`);
  const uid = process.getuid?.();
  if (uid !== undefined && stat.uid !== uid) {
    return fail(
      'io',
      `State directory ${dir} belongs to another user (uid ${stat.uid}, not ${uid}): refusing to use it`,
      'Run provisioning as the user that owns it, or give it to this user (chown) with mode 0700.',
    );
  }
  if ((stat.mode & 0o777) !== SECRET_DIR_MODE) {
    const fixed = await chmod(dir, SECRET_DIR_MODE).then(() => undefined, (err: unknown) => err);
    if (fixed !== undefined) return ioFailure(fixed, dir, 'secure');
  }
  return foreignFiles(dir, uid);
}

/** The files provisioning trusts; one another user put there (while the directory was open to them) is refused, not used. */
const TRUSTED_FILES = [CONFIG_FILE_NAME, JOURNAL_FILE_NAME, SUCCESS_MARKER_NAME, SIGNED_KEYS_FILE_NAME];

async function foreignFiles(dir: string, uid: number | undefined): Promise<Result<void>> {
  if (uid === undefined) return ok(undefined);
  for (const name of TRUSTED_FILES) {
    const stat = await lstat(join(dir, name)).catch(() => undefined);
    if (stat !== undefined && stat.uid !== uid) {
      return fail('io', `${join(dir, name)} belongs to another user (uid ${stat.uid}): refusing to use it`, 'Someone else could write the state directory; check the appliance, remove the file, then try again.');
    }
  }
  return ok(undefined);
}

async function probeWritable(dir: string): Promise<Result<void>> {
  const probe = join(dir, `.probe-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    const handle = await open(probe, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY | constants.O_NOFOLLOW, SECRET_FILE_MODE);
    try {
      await handle.writeFile('probe\n');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await unlink(probe);
    return ok(undefined);
  } catch (err) {
    await unlink(probe).catch(() => undefined);
    const failure = ioFailure(err, dir, 'write to');
    return { ...failure, hint: `${failure.hint ?? ''} Nothing was claimed.`.trim() };
  }
}
