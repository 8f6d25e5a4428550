import { describe, expect, it } from 'vitest';
import { parseQrPayload } from '../src/codes/qr-payload.js';

const allowed = ['https://api.osiriscare.net'];
const MALFORMED = { ok: false, code: 'format', error: 'This QR code carries a malformed provision code' };

describe('a provisioning URI whose code is malformed', () => {
  it.each([
    ['names no endpoint', 'osiriscare://provision?code=ABCD-12'],
    ['names an allowed endpoint', 'osiriscare://provision?code=ABCD-12&endpoint=https://api.osiriscare.net'],
    ['names a server off the allowed list', 'https://portal.example/provision?code=NOT+A+CODE&endpoint=https://evil.example'],
  ])('is refused for its code, whatever else it %s', (_label, payload) => {
    expect(parseQrPayload(payload, allowed)).toMatchObject(MALFORMED);
  });
});
