import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildConfig } from '../src/config/write.js';
import { parseConfigText, serializeConfig } from '../src/config/yaml-codec.js';
import { runPython } from '../../test-support/python.js';

/** YAML's indicators, 1.1's resolved words and forms, and the characters PyYAML treats specially. */
const HOSTILE = [
  '=', '<<', '~', 'on', 'no', 'Yes', 'OFF', 'y', 'n', 'null', 'Null', 'NULL', 'true', '.inf', '-.Inf', '.nan', '0x1A', '0o17', '0b101', '1_000', '1e3', '+1', '-.5',
  '1:20', '190:20:30', '12:34:56:78:90:12', '2001-12-14', '2001-12-14t21:59:43.10-05:00', '!!str', '!foo', '&anchor', '*alias', '? x', '- x', '# x', '%YAML', '@x', '`x',
  ' lead', 'trail ', 'tab\there', 'nl\nx', 'cr\rx', 'crlf\r\nx', '\ufeffbom', '\u0085nel', 'a\u2028b', 'p\u2029q', '\u007fdel', '\u009bcsi', '\u0000nul', '\u001b[2Jesc',
  '\u00a0nbsp', 'é', '𝄞', '\ud800lone', 'lone\udc00', '"', "'", '\\', ':', 'a: b', 'abc:', '[x]', '{x}', '|', '>', ',', 'https://api.osiriscare.net', 'partner-clinic-abc123',
  '\u202eevil', '<<: *a', '---', '...', 'key:value', 'a #b', '  ', '\t',
];

/** Writes each string into every string field of a config, and reads the files back with PyYAML (safe_load, as the agent). */
async function pyyamlRoundTrip(values: readonly string[]): Promise<string[]> {
  const texts = values.map((value) => {
    const config = buildConfig(
      { site_id: value, appliance_id: `${value}-x`, api_key: value, api_endpoint: 'https://api.osiriscare.net', partner_info: { slug: value, brand_name: value }, mac_address: '84:3A:5B:91:B6:61', hostname: value },
      '/var/lib/msp',
      new Date('2026-11-29T10:00:00Z'),
    );
    const text = serializeConfig(config);
    if (!text.ok) throw new Error(text.error);
    return text.data;
  });
  const code = [
    'import json, sys, yaml',
    'out = []',
    'for text in json.load(sys.stdin):',
    '    try:',
    '        c = yaml.safe_load(text)',
    '        fields = [c["site_id"], c["appliance_id"], c["api_key"], c["partner"]["slug"], c["partner"]["brand_name"], c["hostname"]]',
    '        out.append(fields[0] if len(set(fields)) == 2 and fields[1] == fields[0] + "-x" else "MISMATCH " + repr(fields))',
    '    except Exception as e:',
    '        out.append("ERROR " + str(e).splitlines()[0])',
    // surrogatepass: a lone surrogate read back is what was written; JSON carries it as \\ud800.
    'sys.stdout.write(json.dumps(out))',
  ].join('\n');
  const read = JSON.parse(await runPython(code, JSON.stringify(texts))) as string[];
  // The agent-side rules of this engine (--check) must agree with PyYAML too.
  for (const [i, text] of texts.entries()) {
    const ours = parseConfigText(text);
    if (!ours.ok || ours.data.site_id !== values[i]) read[i] = `OURS DISAGREE ${JSON.stringify(ours)}`;
  }
  return read;
}

describe('attack finding 3: every string round-trips through PyYAML exactly', () => {
  it('for YAML indicators, 1.1 booleans, numbers, dates, tags, merge keys and special characters', async () => {
    expect(await pyyamlRoundTrip(HOSTILE)).toEqual(HOSTILE);
  });

  it('for a thousand generated strings from every Unicode category', async () => {
    const anyChar = fc.oneof(
      fc.string({ unit: 'binary', minLength: 1, maxLength: 12 }),
      fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }),
      fc.constantFrom(...HOSTILE).chain((h) => fc.string({ maxLength: 4 }).map((tail) => `${h}${tail}`)),
    );
    const values = fc.sample(anyChar, { numRuns: 1000, seed: 20261129 });
    expect(await pyyamlRoundTrip(values)).toEqual(values);
  });
});
