import { describe, expect, it } from 'vitest';
import { groupProvisionCode, isProvisionCode, lookalikeHint, maskProvisionCode, normalizeProvisionCode, parseProvisionCode } from '../src/codes/codes.js';
import { looksLikeQrPayload, parseQrPayload } from '../src/codes/qr-payload.js';

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

describe('what a technician is told about a code', () => {
  it('says exactly what is wrong with a code, and how long it was only when the length is wrong', () => {
    expect(parseProvisionCode(' - ')).toEqual({ ok: false, code: 'format', error: 'No provision code entered', retryable: false });
    expect(parseProvisionCode('ABCD')).toMatchObject({ error: 'Provision code must be 16 letters or digits (A-Z, 0-9) (got 4 characters)' });
    expect(parseProvisionCode('ABCD1234EFGH567!')).toMatchObject({ error: 'Provision code must be 16 letters or digits (A-Z, 0-9)' });
  });

  it('catches a partner code with a character missing, and accepts a self-serve code of the same length', () => {
    const short = parseProvisionCode('ABCD1234ABCD567');
    expect(short).toMatchObject({ ok: false, code: 'format', error: 'Provision code must be 16 letters or digits (A-Z, 0-9) (got 15 characters)' });
    expect(!short.ok && short.hint).toBe('Partner codes have 16 characters; only self-serve codes may be as short as 14. Check for a missing character.');
    expect(parseProvisionCode('SELFSERVE7Q2K9X')).toEqual({ ok: true, data: 'SELFSERVE7Q2K9X' });
    expect(parseProvisionCode('ABCD1234ABCD5678')).toEqual({ ok: true, data: 'ABCD1234ABCD5678' });
  });

  it('upper-cases ASCII letters only: no Unicode letter becomes a code character', () => {
    expect(normalizeProvisionCode('ıſßabc')).toBe('ıſßABC');
    expect(normalizeProvisionCode('a\tb\nc--d')).toBe('ABCD');
    expect(isProvisionCode('ABCD1234EFGH5678')).toBe(true);
    expect(isProvisionCode('abcd1234efgh5678')).toBe(false);
  });

  it('masks only codes long enough to keep something hidden', () => {
    expect(maskProvisionCode('ABCD5678')).toBe('…');
    expect(maskProvisionCode('ABCD56789')).toBe('ABCD…6789');
  });

  it('groups in fours without a dash at the end', () => {
    expect(groupProvisionCode('selfserve7q2k9x')).toBe('SELF-SERV-E7Q2-K9X');
    expect(groupProvisionCode('ABCD')).toBe('ABCD');
  });

  it('suggests an O typed for a 0 or an I for a 1 only in a 16-character code', () => {
    const hint = 'Partner codes use only the digits 0-9 and the letters A-F: check for an O typed as 0, or an I as 1.';
    expect(lookalikeHint('ABCD1234EFGH567O')).toBe(hint);
    expect(lookalikeHint('IBCD1234EFGH5678')).toBe(hint);
    expect(lookalikeHint('ABCD1234EFGH5678')).toBeUndefined();
    expect(lookalikeHint('SELFSERVE7Q2K9O')).toBeUndefined();
  });
});

describe('what a QR code says', () => {
  it("reads the partner dashboard's osiris://CODE, in any case, with a trailing slash or percent-escapes", () => {
    expect(parseQrPayload('osiris://ABCD1234EFGH5678', [])).toEqual({ ok: true, data: { code: 'ABCD1234EFGH5678' } });
    expect(parseQrPayload(' OSIRIS://abcd-1234-efgh-5678/ ', [])).toEqual({ ok: true, data: { code: 'ABCD1234EFGH5678' } });
    expect(parseQrPayload('osiris://%41BCD1234EFGH5678', [])).toEqual({ ok: true, data: { code: 'ABCD1234EFGH5678' } });
  });

  it('says an osiris:// code that is malformed (or badly escaped) is malformed', () => {
    for (const text of ['osiris://ABCD', 'osiris://%E0%A4%A', 'osiris://']) {
      expect(parseQrPayload(text, [])).toEqual({ ok: false, code: 'format', error: 'This QR code carries a malformed provision code', retryable: false });
    }
  });

  it('reads the code and endpoint under each name older dashboards used', () => {
    const allowed = ['https://lab.osiriscare.net'];
    expect(parseQrPayload('osiriscare://provision?provision_code=ABCD1234EFGH5678&api_endpoint=https://lab.osiriscare.net', allowed)).toEqual({ ok: true, data: { code: 'ABCD1234EFGH5678', endpoint: 'https://lab.osiriscare.net' } });
    expect(parseQrPayload('osiriscare://provision?code=ABCD1234EFGH5678&api=https://lab.osiriscare.net/', allowed)).toEqual({ ok: true, data: { code: 'ABCD1234EFGH5678', endpoint: 'https://lab.osiriscare.net' } });
  });

  it('names the refusal of a server not on the list, with what to do', () => {
    expect(parseQrPayload('osiriscare://provision?code=ABCD1234EFGH5678&endpoint=not%20a%20url', ['https://api.osiriscare.net'])).toEqual({
      ok: false,
      code: 'untrusted-endpoint',
      error: 'This QR code names a server that is not on the allowed list',
      hint: 'Use a code generated by your partner dashboard, or enter the code by hand.',
      retryable: false,
    });
  });

  it('says a URI of another scheme, or without a code, or not a URL at all, is not a provision code', () => {
    const notACode = { ok: false, code: 'format', error: 'This QR code is not an OsirisCare provision code', retryable: false };
    expect(parseQrPayload('ftp://host/provision?code=ABCD1234EFGH5678', [])).toEqual(notACode);
    expect(parseQrPayload('osiriscare://provision?endpoint=https://api.osiriscare.net', [])).toEqual(notACode);
    expect(parseQrPayload('https://exa mple.com/?code=ABCD1234EFGH5678', [])).toEqual(notACode);
    expect(parseQrPayload('hello', [])).toEqual(notACode);
  });

  it('tells a scanned payload from a code typed by hand', () => {
    expect(looksLikeQrPayload(' osiris://ABCD1234EFGH5678')).toBe(true);
    expect(looksLikeQrPayload('https://x')).toBe(true);
    expect(looksLikeQrPayload('ABCD-1234-EFGH-5678')).toBe(false);
    expect(looksLikeQrPayload('1osiris://x')).toBe(false);
  });
});
