import { PROVISION_CODE_LENGTH, PROVISION_CODE_MIN_LENGTH, PROVISION_CODE_PATTERN } from '../constants.js';
import { fail, ok, type Result } from '../result.js';

/**
 * Upper-case ASCII letters only (never `toUpperCase`, which turns `ı ſ ß ﬀ` into code characters),
 * and drop the spaces and dashes people type or print between groups.
 */
export function normalizeProvisionCode(input: string): string {
  return input.replace(/[\s-]+/g, '').replace(/[a-z]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 32));
}

export function isProvisionCode(code: string): boolean {
  return PROVISION_CODE_PATTERN.test(code);
}

/** A partner code is 16 hexadecimal characters: a shorter all-hex code is one with characters missing. */
const HEX = /^[0-9A-F]+$/;

/**
 * Normalises a typed or scanned code and checks its format before any network call: 16 characters
 * for partner codes (hexadecimal), 14 to 16 letters and digits for self-serve codes.
 */
export function parseProvisionCode(input: string): Result<string> {
  const code = normalizeProvisionCode(input);
  if (code.length === 0) return fail('format', 'No provision code entered');
  if (!isProvisionCode(code)) {
    const length = code.length === PROVISION_CODE_LENGTH ? '' : ` (got ${code.length} characters)`;
    return fail('format', `Provision code must be ${PROVISION_CODE_LENGTH} letters or digits (A-Z, 0-9)${length}`);
  }
  if (code.length < PROVISION_CODE_LENGTH && HEX.test(code)) {
    return fail(
      'format',
      `Provision code must be ${PROVISION_CODE_LENGTH} letters or digits (A-Z, 0-9) (got ${code.length} characters)`,
      `Partner codes have ${PROVISION_CODE_LENGTH} characters; only self-serve codes may be as short as ${PROVISION_CODE_MIN_LENGTH}. Check for a missing character.`,
    );
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

/** Partner codes are hexadecimal: an O or an I in a code the server does not know is likely a misread 0 or 1. */
export function lookalikeHint(code: string): string | undefined {
  return /[OI]/.test(code) && code.length === PROVISION_CODE_LENGTH
    ? 'Partner codes use only the digits 0-9 and the letters A-F: check for an O typed as 0, or an I as 1.'
    : undefined;
}
