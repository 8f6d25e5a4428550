import { createHash } from 'node:crypto';

/**
 * A last-line comment holding the SHA-256 of everything above it. It lets `--check` recognise an
 * untouched config written (and fully validated) by this engine without loading a YAML parser,
 * which keeps the check as fast as starting Node. Any edit or truncation breaks the seal, and the
 * file then gets the full parse and validation. YAML loaders ignore the comment.
 */
const SEAL_PREFIX = '# osiris-provision sha256:';

export function sealConfigText(body: string): string {
  const text = body.endsWith('\n') ? body : `${body}\n`;
  return `${text}${SEAL_PREFIX}${digest(text)}\n`;
}

/** True when the text ends with a seal that matches everything before it. */
export function hasValidSeal(text: string): boolean {
  const start = text.lastIndexOf(`\n${SEAL_PREFIX}`);
  if (start < 0) return false;
  const body = text.slice(0, start + 1);
  const trailer = text.slice(start + 1);
  return trailer === `${SEAL_PREFIX}${digest(body)}\n`;
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
