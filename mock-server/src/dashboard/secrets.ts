import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Bytes of randomness in a session cookie and a CSRF token (256 bits, as the admin token should have). */
const SECRET_BYTES = 32;

/** A fresh random secret, URL-safe base64. */
export function newSecret(): string {
  return randomBytes(SECRET_BYTES).toString('base64url');
}

/** A secret's SHA-256 digest: what is kept and compared, so neither its bytes nor its length leak through timing. */
export function digest(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}

/** Whether `given` is `expected`, in constant time whatever either holds. */
export function sameSecret(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}
