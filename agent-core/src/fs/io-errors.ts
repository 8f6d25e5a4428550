import { describeUnknown, fail, type Failure } from '../result.js';

/** Turns a filesystem error into an operator message naming the file and the fix. */
export function ioFailure(err: unknown, path: string, action = 'write'): Failure {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return fail('io', `Cannot ${action} ${path}: permission denied`, 'Run as the provisioning user, or fix the state directory ownership.');
    case 'ENOSPC':
    case 'EDQUOT':
      return fail('io', `Cannot ${action} ${path}: the disk is full`, 'Free space on the appliance disk, then try again; nothing was changed.');
    case 'EROFS':
      return fail('io', `Cannot ${action} ${path}: the filesystem is read-only`);
    case 'ENOTDIR':
    case 'EEXIST':
      return fail('io', `Cannot ${action} ${path}: a file is in the way of the state directory`);
    case 'ELOOP':
      return fail('io', `Cannot ${action} ${path}: refusing to follow a symbolic link`);
    default:
      return fail('io', `Cannot ${action} ${path}: ${describeUnknown(err)}`);
  }
}
