import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { readRegularFile } from '../fs/safe-read.js';
import { fail, ok, type Result } from '../result.js';

/** DER prefix of an Ed25519 SubjectPublicKeyInfo; the 32 raw key bytes follow it. */
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const KEY_FILE_MAX_BYTES = 4096;
const HEX_KEY = /^[0-9a-fA-F]{64}$/;
const HEX_SIGNATURE = /^[0-9a-fA-F]{128}$/;

/** Central Command's pinned public key, from a file holding its 32 bytes in hex (whitespace and # comments allowed). */
export function loadServerKey(path: string): Result<KeyObject> {
  const read = readRegularFile(path, KEY_FILE_MAX_BYTES);
  if (!read.ok) {
    return fail('server-key', `Cannot read Central Command's public key at ${path}: ${read.reason}`, 'Install the key file that ships with the appliance image (or pass --server-key FILE).');
  }
  const hex = read.text.replace(/#.*$/gm, '').replace(/\s+/g, '');
  if (!HEX_KEY.test(hex)) {
    return fail('server-key', `Central Command's public key at ${path} is not 64 hexadecimal characters (an Ed25519 key)`);
  }
  return ok(publicKeyFromHex(hex));
}

export function publicKeyFromHex(hex: string): KeyObject {
  return createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, Buffer.from(hex, 'hex')]), format: 'der', type: 'spki' });
}

/** The 32 raw bytes of an Ed25519 public key, hex: what the key file and the mock's ready line hold. */
export function publicKeyHex(key: KeyObject): string {
  return key.export({ format: 'der', type: 'spki' }).subarray(ED25519_SPKI_PREFIX.length).toString('hex');
}

/**
 * Checks a drop-ship config's signature: hex Ed25519 by Central Command over the canonical bytes.
 * Each refusal names its cause, so a technician (or support) can tell tampering from a missing key.
 */
export function verifySignature(canonical: string, signature: unknown, key: KeyObject, keyPath: string): Result<void> {
  if (signature === undefined || signature === null || signature === '') {
    return fail('unsigned', "Central Command's drop-ship answer is not signed: refusing to use it", 'The config was not written. Check that the appliance talks to the real Central Command (no proxy rewriting answers).');
  }
  if (typeof signature !== 'string' || !HEX_SIGNATURE.test(signature)) {
    return fail('bad-signature', "The drop-ship answer's signature is malformed (not 128 hexadecimal characters): refusing it");
  }
  const valid = verify(null, Buffer.from(canonical, 'utf8'), key, Buffer.from(signature, 'hex'));
  return valid
    ? ok(undefined)
    : fail(
        'bad-signature',
        `The drop-ship answer's signature does not match Central Command's key (${keyPath}): refusing it`,
        'Either the answer was altered on the way, or the key file is not the one for this backend. Nothing was written.',
      );
}
