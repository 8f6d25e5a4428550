import type { ErrorCode } from '../result.js';

/** The CLI's exit codes; scripts and systemd units rely on them (README lists them). */
export const EXIT = {
  ok: 0,
  /** Provisioning failed, or `--check` found that provisioning is needed. */
  failed: 1,
  usage: 2,
  /** Already provisioned; nothing was changed (use --force). */
  exists: 3,
  /** The state directory could not be written; nothing was changed. */
  io: 4,
  /** An unfinished claim is on disk: finish it (no code) or drop it (--discard-claim). */
  pendingClaim: 5,
  /** Another provisioning run holds the state directory (EX_TEMPFAIL). */
  locked: 75,
  cancelled: 130,
} as const;

export function exitCodeFor(code: ErrorCode): number {
  switch (code) {
    case 'usage':
      return EXIT.usage;
    case 'exists':
      return EXIT.exists;
    case 'io':
      return EXIT.io;
    case 'pending-claim':
      return EXIT.pendingClaim;
    case 'locked':
      return EXIT.locked;
    case 'cancelled':
      return EXIT.cancelled;
    default:
      return EXIT.failed;
  }
}
