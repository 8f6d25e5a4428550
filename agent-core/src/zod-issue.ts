import type { z } from './zod.js';

/**
 * What zod found wrong first, as `field: message`. An issue about the whole document is named
 * `whole` when given (`body: …`), else told by its message alone.
 */
export function firstIssue(error: z.core.$ZodError, whole?: string): string {
  const [issue] = error.issues;
  if (issue === undefined) return 'invalid';
  const path = issue.path.length > 0 ? issue.path.join('.') : whole;
  return path === undefined ? issue.message : `${path}: ${issue.message}`;
}
