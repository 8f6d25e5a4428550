import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, pythonFloatRepr } from '../src/protocol/canonical-json.js';
import { pythonCanonical } from '../../test-support/python.js';

/** Documents written by hand, for what JSON.stringify never produces: float lexemes, duplicates, escapes. */
const HOSTILE = [
  '{"b": 1, "a": 2, "A": 3, "_": 4, "": 5}',
  '{"site_id": "clínica ñandú", "api_key": "k", "ssh_authorized_keys": ["ssh-ed25519 AAAA café ✓ 𝄞"]}',
  '{"\\ud83c\\udfe5": 1, "\\uffff": 2, "\\ue000": 3, "z": 4}',
  '{"q": "\\"\\\\\\/\\b\\f\\n\\r\\t\\u0000\\u001f\\u007f\\u0080\\u009f\\u2028\\u2029\\u202e"}',
  '{"lone": "\\ud800 and \\udfff"}',
  '{"n": [0, -0, 1, -1, 9007199254740993, 123456789012345678901234567890, -0.0, 0.0, 1.0, 1.5, 100.0, 1e16, 1E16, 1e15, 1.5e-7, 0.0001, 0.00001, 1e22, 2.5e+300, 5e-324, 1e400, 0.1, 3.14159]}',
  '{"dup": 1, "dup": 2, "nested": {"b": {"d": [], "c": {}}, "a": null}}',
  '[true, false, null, "x", {"k": [1, {"j": "v"}]}]',
  '  {"spaces" :  [ 1 , 2 ] }  ',
  '"just a string"',
  '{"__proto__": {"polluted": true}, "constructor": 1}',
];

describe("canonical JSON: exactly Python's json.dumps(..., sort_keys=True)", () => {
  it('matches Python byte for byte on hostile documents (sorting by code point, escapes, numbers, duplicates)', async () => {
    const expected = await pythonCanonical(HOSTILE);
    expect(HOSTILE.map((doc) => canonicalJson(doc))).toEqual(expected);
  });

  it('matches Python on a thousand generated documents of every Unicode plane', async () => {
    const documents = fc.sample(fc.json({ maxDepth: 4, depthSize: 'small' }).map((text) => text.replace(/\n/g, ' ')), { numRuns: 500, seed: 42 })
      .concat(fc.sample(fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value)), { numRuns: 500, seed: 7 }));
    const expected = await pythonCanonical(documents);
    const mismatches = documents.filter((doc, i) => canonicalJson(doc) !== expected[i]);
    expect(mismatches).toEqual([]);
  });

  it('takes one member of the document (the drop-ship answer\'s config)', async () => {
    const answer = '{"signature": "ab", "config": {"site_id": "s", "api_key": "k"}, "site_id": "s"}';
    expect(canonicalJson(answer, 'config')).toBe((await pythonCanonical([answer], 'config'))[0]);
    expect(() => canonicalJson(answer, 'missing')).toThrow('document has no missing');
    expect(() => canonicalJson('[1]', 'config')).toThrow('not an object');
  });

  it.each([
    ['trailing characters', '{} x'],
    ['a raw control character in a string', '{"a": "\u0001"}'],
    ['a leading zero', '{"a": 01}'],
    ['NaN', '{"a": NaN}'],
    ['a trailing comma', '{"a": 1,}'],
    ['a bad escape', '{"a": "\\x41"}'],
  ])('refuses text that is not strict JSON: %s', (_label, text) => {
    expect(() => canonicalJson(text)).toThrow();
  });

  it('prints floats as Python repr() does', () => {
    expect([1, 1e16, 1e15, 1.5e-7, 0.0001, 1e-5, -0, 123.456, 5e-324, Infinity, -Infinity, Number.NaN].map(pythonFloatRepr))
      .toEqual(['1.0', '1e+16', '1000000000000000.0', '1.5e-07', '0.0001', '1e-05', '-0.0', '123.456', '5e-324', 'Infinity', '-Infinity', 'NaN']);
  });
});
