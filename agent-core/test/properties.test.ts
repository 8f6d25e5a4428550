import fc from 'fast-check';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { normalizeProvisionCode, parseProvisionCode } from '../src/codes/codes.js';
import { parseQrPayload } from '../src/codes/qr-payload.js';
import { isLoopbackAddress, parseApiEndpoint } from '../src/http/endpoint.js';
import { parseJournal, readJournal, writeJournal, type JournalEntry } from '../src/state/journal.js';
import { useTempDir } from '../../test-support/backend.js';

const tempDir = useTempDir();
const RUNS = { numRuns: 500, seed: 7 } as const;
const CODE_CHAR = fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'.split(''));
const PARTNER_CODE = fc.string({ unit: fc.constantFrom(...'0123456789ABCDEF'.split('')), minLength: 16, maxLength: 16 });
const SELF_SERVE = fc.string({ unit: CODE_CHAR, minLength: 14, maxLength: 16 }).filter((c) => c.length === 16 || /[G-Z]/.test(c));

describe('provision codes (property)', () => {
  it('never throws, and accepts only 14–16 ASCII letters and digits, the normalised input', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (input) => {
      const parsed = parseProvisionCode(input);
      if (parsed.ok) {
        expect(parsed.data).toMatch(/^[A-Z0-9]{14,16}$/);
        expect(parsed.data).toBe(normalizeProvisionCode(input));
      } else expect(parsed.code).toBe('format');
    }), RUNS);
  });

  it('takes every partner and self-serve code in any case, with spaces and dashes anywhere', () => {
    const separated = fc.tuple(fc.oneof(PARTNER_CODE, SELF_SERVE), fc.array(fc.constantFrom(' ', '-', '\t'), { maxLength: 5 }), fc.boolean());
    fc.assert(fc.property(separated, ([code, seps, lower]) => {
      const chars = (lower ? code.toLowerCase() : code).split('');
      for (const [i, sep] of seps.entries()) chars.splice((i * 3) % (chars.length + 1), 0, sep);
      expect(parseProvisionCode(chars.join(''))).toEqual({ ok: true, data: code });
    }), RUNS);
  });

  it('never turns a non-ASCII letter into a code character (ı ſ ß ﬀ…)', () => {
    expect(normalizeProvisionCode('ıſßﬀ')).toBe('ıſßﬀ');
    fc.assert(fc.property(PARTNER_CODE, fc.constantFrom('ı', 'ſ', 'ß', 'ﬀ', 'ﬁ', 'ǆ', 'ŉ', 'Ω', 'é'), fc.nat(15), (code, odd, at) => {
      expect(parseProvisionCode(`${code.slice(0, at)}${odd}${code.slice(at + 1)}`).ok).toBe(false);
    }), RUNS);
  });
});

describe('QR payloads (property)', () => {
  const allowed = ['https://api.osiriscare.net'];

  it('never throws, and yields only a valid code, with an endpoint only from the allow-list', () => {
    const text = fc.oneof(fc.string({ maxLength: 80 }), fc.webUrl({ withQueryParameters: true }), PARTNER_CODE.map((c) => `osiris://${c}`), fc.webUrl().map((u) => `osiriscare://provision?code=ABCD1234EFGH5678&endpoint=${encodeURIComponent(u)}`));
    fc.assert(fc.property(text, (payload) => {
      const parsed = parseQrPayload(payload, allowed);
      if (!parsed.ok) return;
      expect(parsed.data.code).toMatch(/^[A-Z0-9]{14,16}$/);
      if (parsed.data.endpoint !== undefined) expect(allowed).toContain(parsed.data.endpoint);
    }), RUNS);
  });

  it("reads the partner dashboard's osiris://CODE for every code", () => {
    fc.assert(fc.property(fc.oneof(PARTNER_CODE, SELF_SERVE), (code) => {
      expect(parseQrPayload(`osiris://${code}`, allowed)).toEqual({ ok: true, data: { code } });
      expect(parseQrPayload(` osiris://${code.toLowerCase()}/\n`, allowed)).toEqual({ ok: true, data: { code } });
    }), RUNS);
  });
});

describe('the endpoint rule (property)', () => {
  it('accepts https, and plain http only to a literal loopback address or localhost; never credentials', () => {
    const url = fc.oneof(fc.webUrl({ withQueryParameters: false, withFragments: false }), fc.webUrl().map((u) => u.replace(/^https:/, 'http:')), fc.ipV4().map((ip) => `http://${ip}:8080`), fc.ipV6().map((ip) => `http://[${ip}]`), fc.string({ maxLength: 40 }));
    fc.assert(fc.property(url, (input) => {
      const parsed = parseApiEndpoint(input);
      if (!parsed.ok) return;
      expect(parsed.data.username + parsed.data.password).toBe('');
      if (parsed.data.protocol === 'http:') {
        const host = parsed.data.hostname.replace(/^\[|\]$/g, '');
        expect(host === 'localhost' || isLoopbackAddress(host)).toBe(true);
      } else expect(parsed.data.protocol).toBe('https:');
    }), RUNS);
  });
});

describe('the journal reader (property)', () => {
  const text = fc.string({ unit: 'binary', minLength: 1, maxLength: 30 });
  const entry: fc.Arbitrary<JournalEntry> = fc.record({
    version: fc.constant(2 as const),
    source: fc.constantFrom('claim' as const, 'dropship' as const),
    created_at: text,
    api_endpoint: text,
    mac_address: fc.constant('84:3A:5B:91:B6:61'),
    hostname: text,
    site: fc.record({ site_id: text, appliance_id: text, api_key: text, partner: fc.record({ slug: text, brand_name: text }, { requiredKeys: [] }) }),
  });

  it('never throws on any text, and finds only entries that pass its schema', () => {
    fc.assert(fc.property(fc.oneof(fc.string({ maxLength: 200 }), fc.json(), entry.map((e) => JSON.stringify(e))), (journal) => {
      const read = parseJournal(journal);
      expect(['none', 'found', 'corrupt']).toContain(read.state);
    }), RUNS);
  });

  it('reads back exactly what was written, whatever the strings hold', async () => {
    const dir = await tempDir();
    await fc.assert(fc.asyncProperty(entry, async (written) => {
      const path = join(dir, 'claim-journal.json');
      await writeJournal(path, written);
      expect(await readJournal(path)).toEqual({ state: 'found', entry: written });
    }), { numRuns: 100, seed: 11 });
  });
});
