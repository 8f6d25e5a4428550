import { randomBytes } from 'node:crypto';
import { API_KEY_BYTES } from './constants.js';

/** A cryptographically random, URL-safe key: 43 characters of base64url from 32 bytes. */
export function generateApiKey(): string {
  return randomBytes(API_KEY_BYTES).toString('base64url');
}
