import { MAX_STATE_FILE_BYTES } from '../constants.js';
import { writeFileAtomic } from '../fs/atomic-write.js';
import { readRegularFile } from '../fs/safe-read.js';
import { hasUnsafeCharacters } from '../text.js';

export const KEYS_BEGIN = '# BEGIN osiris-provision: keys from Central Command (managed; edits here are replaced)';
export const KEYS_END = '# END osiris-provision';
const KEY_LINE_MAX = 16 * 1024;
/** A key line: optional options, then a key type such as ssh-ed25519, ecdsa-sha2-…, sk-…. */
const KEY_TYPE = /(^|\s)(ssh-(ed25519|rsa|dss)|ecdsa-sha2-\S+|sk-\S+)\s+[A-Za-z0-9+/=]+/;

export interface KeysWritten {
  readonly installed: number;
  /** Lines from the server that were not installed, and why (one line each). */
  readonly skipped: readonly string[];
}

/**
 * Installs the drop-ship config's `ssh_authorized_keys` into an authorized_keys file, atomically
 * and 0600, inside a marked block: the block is replaced on each provisioning, and keys someone
 * added by hand outside it survive. A line that is not one printable key line is skipped.
 */
export async function installAuthorizedKeys(path: string, keys: readonly string[]): Promise<KeysWritten> {
  const skipped: string[] = [];
  const good = keys.filter((key, index) => {
    const problem = key.length > KEY_LINE_MAX ? 'too long' : hasUnsafeCharacters(key) ? 'contains control characters' : !KEY_TYPE.test(key) ? 'not an SSH public key' : undefined;
    if (problem !== undefined) skipped.push(`key ${index + 1}: ${problem}`);
    return problem === undefined;
  });
  const read = readRegularFile(path, MAX_STATE_FILE_BYTES);
  if (!read.ok && read.kind !== 'missing') throw Object.assign(new Error(`${path}: ${read.reason}`), { code: 'EINVAL' });
  const kept = withoutBlock(read.ok ? read.text : '');
  const block = good.length === 0 ? '' : `${KEYS_BEGIN}\n${good.map((k) => k.trim()).join('\n')}\n${KEYS_END}\n`;
  const separator = kept === '' || kept.endsWith('\n') ? '' : '\n';
  await writeFileAtomic(path, `${kept}${separator}${block}`);
  return { installed: good.length, skipped };
}

function withoutBlock(text: string): string {
  const lines = text.split('\n');
  const out: string[] = [];
  let inBlock = false;
  for (const line of lines) {
    if (line === KEYS_BEGIN) inBlock = true;
    else if (line === KEYS_END && inBlock) inBlock = false;
    else if (!inBlock) out.push(line);
  }
  return out.join('\n');
}
