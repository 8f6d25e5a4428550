import { PROVISION_CODE_PATTERN } from '../constants.js';
import { fail, ok, type Result } from '../result.js';

/** Uppercase, and drop the spaces and dashes people type or print between groups. */
export function normalizeProvisionCode(input: string): string {
  return input.toUpperCase().replace(/[\s-]+/g, '');
}

export function isProvisionCode(code: string): boolean {
  return PROVISION_CODE_PATTERN.test(code);
}

/** Normalises a typed or scanned code and checks its format before any network call. */
export function parseProvisionCode(input: string): Result<string> {
  const code = normalizeProvisionCode(input);
  if (code.length === 0) return fail('format', 'No provision code entered');
  if (!isProvisionCode(code)) {
    const length = code.length === 16 ? '' : ` (got ${code.length} characters)`;
    return fail('format', `Provision code must be 16 letters or digits (A-Z, 0-9)${length}`);
  }
  return ok(code);
}

/** `ABCD…5678`: enough for a technician to recognise the code, not enough to claim it. */
export function maskProvisionCode(code: string): string {
  const normalized = normalizeProvisionCode(code);
  if (normalized.length <= 8) return '…';
  return `${normalized.slice(0, 4)}…${normalized.slice(-4)}`;
}

/** `ABCD-1234-EFGH-5678`, for display of a code the technician typed themselves. */
export function groupProvisionCode(code: string): string {
  return normalizeProvisionCode(code).replace(/(.{4})(?=.)/g, '$1-');
}
