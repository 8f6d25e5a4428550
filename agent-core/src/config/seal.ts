/**
 * A last-line comment fingerprinting everything above it. It lets `--check` (run at every boot)
 * recognise an untouched config that this engine wrote, and fully validated, without loading a
 * YAML parser or even OpenSSL — the check then starts as fast as Node itself. Any edit or
 * truncation breaks the seal and the file gets the full parse and validation, so the seal only
 * ever skips work, never decides validity on its own. It guards against accidents, not attackers:
 * whoever can rewrite a root-owned 0600 file can write a valid config anyway. YAML loaders ignore
 * the comment.
 */
const SEAL_PREFIX = '# osiris-provision seal:';

export function sealConfigText(body: string): string {
  const text = body.endsWith('\n') ? body : `${body}\n`;
  return `${text}${SEAL_PREFIX}${fingerprint(text)}\n`;
}

/** True when the text ends with a seal that matches everything before it. */
export function hasValidSeal(text: string): boolean {
  const start = text.lastIndexOf(`\n${SEAL_PREFIX}`);
  if (start < 0) return false;
  const body = text.slice(0, start + 1);
  // A seal over nothing (blank lines) vouches for no config: such a file gets the full parse.
  if (body.trim() === '') return false;
  return text.slice(start + 1) === `${SEAL_PREFIX}${fingerprint(body)}\n`;
}

/** Length plus two FNV-1a 32-bit hashes with different offsets: 64 bits against accidental change. */
function fingerprint(text: string): string {
  return `${text.length.toString(16)}-${fnv1a(text, 0x811c9dc5)}${fnv1a(text, 0x01000193)}`;
}

function fnv1a(text: string, offset: number): string {
  let hash = offset;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, '0');
}
