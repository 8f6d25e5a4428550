import { randomBytes } from 'node:crypto';

/** 24 random bytes: 32 characters, a fresh admin token per demo run. */
const TOKEN_BYTES = 24;

/** The demo's admin token: OSIRIS_MOCK_ADMIN_TOKEN when set and not empty, otherwise a fresh random one. */
export function demoAdminToken(): string {
  const given = process.env.OSIRIS_MOCK_ADMIN_TOKEN;
  return given === undefined || given === '' ? randomBytes(TOKEN_BYTES).toString('base64url') : given;
}
