import { describe, expect, it } from 'vitest';
import { groupProvisionCode, maskProvisionCode, normalizeProvisionCode, parseProvisionCode } from '../src/codes/codes.js';
import { parseQrPayload } from '../src/codes/qr-payload.js';

describe('provision codes', () => {
  it('normalises case, spaces and dashes', () => {
    expect(normalizeProvisionCode(' abcd-1234 efgh-5678 ')).toBe('ABCD1234EFGH5678');
    expect(parseProvisionCode('abcd-1234-efgh-5678')).toEqual({ ok: true, data: 'ABCD1234EFGH5678' });
  });

  it.each([
    ['too short', 'ABCD1234'],
    ['too long', 'ABCD1234EFGH56789'],
    ['special characters', 'ABCD1234EFGH567!'],
    ['non-ASCII letters', 'ABCD1234EFGH567É'],
    ['empty', '   '],
  ])('rejects a code that is %s, before any network call', (_label, input) => {
    const result = parseProvisionCode(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.code).toBe('format');
  });

  it('says how long a wrong-length code was', () => {
    const result = parseProvisionCode('ABCD');
    expect(!result.ok && result.error).toContain('got 4 characters');
  });

  it('masks a code to its first and last four characters', () => {
    expect(maskProvisionCode('ABCD1234EFGH5678')).toBe('ABCD…5678');
    expect(maskProvisionCode('abcd-1234-efgh-5678')).toBe('ABCD…5678');
    expect(maskProvisionCode('AB')).toBe('…');
  });

  it('groups a code in fours for display', () => {
    expect(groupProvisionCode('ABCD1234EFGH5678')).toBe('ABCD-1234-EFGH-5678');
  });
});

describe('parseQrPayload', () => {
  const allowed = ['https://api.osiriscare.net', 'https://lab.osiriscare.net/base'];

  it('reads a bare and a grouped code', () => {
    expect(parseQrPayload('ABCD1234EFGH5678', allowed)).toEqual({ ok: true, data: { code: 'ABCD1234EFGH5678' } });
    expect(parseQrPayload('abcd-1234-efgh-5678\n', allowed)).toEqual({ ok: true, data: { code: 'ABCD1234EFGH5678' } });
  });

  it('reads a provisioning URI with and without an endpoint', () => {
    expect(parseQrPayload('osiriscare://provision?code=ABCD-1234-EFGH-5678', allowed)).toEqual({ ok: true, data: { code: 'ABCD1234EFGH5678' } });
    expect(parseQrPayload('https://portal.osiriscare.net/provision?code=ABCD1234EFGH5678&endpoint=https://lab.osiriscare.net/base/', allowed)).toEqual({
      ok: true,
      data: { code: 'ABCD1234EFGH5678', endpoint: 'https://lab.osiriscare.net/base' },
    });
  });

  it('refuses an endpoint that is not on the allow-list', () => {
    const result = parseQrPayload('osiriscare://provision?code=ABCD1234EFGH5678&endpoint=https://evil.example', allowed);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.code).toBe('untrusted-endpoint');
  });

  it('refuses a plain-http endpoint even if its host is allowed over https', () => {
    const result = parseQrPayload('osiriscare://provision?code=ABCD1234EFGH5678&endpoint=http://api.osiriscare.net', allowed);
    expect(result.ok).toBe(false);
  });

  it.each([
    ['a web page', 'https://example.com/'],
    ['wifi credentials', 'WIFI:T:WPA;S:clinic;P:secret;;'],
    ['text', 'hello world'],
    ['a URI with a malformed code', 'osiriscare://provision?code=SHORT'],
    ['a javascript: URI', 'javascript:alert(1)//?code=ABCD1234EFGH5678'],
  ])('says %s is not a provisioning code', (_label, text) => {
    const result = parseQrPayload(text, allowed);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.code).toBe('format');
  });
});
