import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { readConfigIds } from '../src/config/ids.js';
import { hasValidSeal, sealConfigText } from '../src/config/seal.js';
import { readConfigState } from '../src/config/state.js';
import { parseConfigText, serializeConfig } from '../src/config/yaml-codec.js';
import { AgentLoaderSchema, ApplianceConfigSchema } from '../src/config/schema.js';
import { buildConfig, isoSeconds } from '../src/config/write.js';
import { useTempDir } from '../../test-support/backend.js';

// The config's text, one function at a time: the seal, YAML as the agent's PyYAML reads it, the server's settings.
const tempDir = useTempDir();
const AT = new Date('2026-01-04T15:30:00.123Z');

describe('the seal on the last line', () => {
  it('adds a final newline when missing, and recognises only an untouched text', () => {
    const sealed = sealConfigText('a: 1');
    expect(sealed).toMatch(/^a: 1\n# osiris-provision seal:5-[0-9a-f]{16}\n$/);
    expect(sealConfigText('a: 1\n')).toBe(sealed);
    expect(hasValidSeal(sealed)).toBe(true);
    expect(hasValidSeal(sealed.replace('a: 1', 'a: 2'))).toBe(false);
    expect(hasValidSeal(sealed.slice(0, -1))).toBe(false);
    expect(hasValidSeal(`${sealed}# more\n`)).toBe(false);
    expect(hasValidSeal('a: 1\n')).toBe(false);
    expect(hasValidSeal(sealed.replace(/seal:5-/, 'seal:6-'))).toBe(false);
  });

  it('is a different fingerprint for texts that differ anywhere, even in the first character', () => {
    const seals = ['a: 1\n', 'b: 1\n', 'a: 2\n', 'a:  1\n', ''].map((t) => sealConfigText(t).split('seal:')[1]);
    expect(new Set(seals).size).toBe(5);
    expect(sealConfigText('')).toMatch(/^\n# osiris-provision seal:1-[0-9a-f]{16}\n$/);
  });

  it('vouches for nothing over an empty body: a blank line and its seal is not a valid config', async () => {
    expect(hasValidSeal(sealConfigText(''))).toBe(false);
    expect(hasValidSeal(sealConfigText(' \n\n'))).toBe(false);
    const path = join(await tempDir(), 'config.yaml');
    await writeFile(path, sealConfigText(''), { mode: 0o600 });
    expect(await readConfigState(path)).toMatchObject({ state: 'invalid' });
  });

  it('is the same fingerprint in every release: length, then FNV-1a 32 from two offsets (computed apart, in Python)', () => {
    // A config sealed by an earlier release must still read as untouched after an upgrade.
    expect(sealConfigText('a: 1\n')).toBe('a: 1\n# osiris-provision seal:5-05b79ead7cca4eb7\n');
  });
});

describe('reading a config as the agent would', () => {
  const valid = () => {
    const text = serializeConfig(buildConfig({ site_id: 's', appliance_id: 'a', api_key: 'k', api_endpoint: 'https://api.osiriscare.net', mac_address: '84:3A:5B:91:B6:61', hostname: 'h' }, '/var/lib/msp', AT));
    if (!text.ok) throw new Error(text.error);
    return text.data;
  };

  it.each([
    ['empty', '  \n', 'config file is empty'],
    // The library's own first line, position included.
    ['not YAML', 'a: [1', /^config file is not valid YAML \(Flow sequence in block collection .* at line 1, column 6:\)$/],
    ['a list', '- 1\n- 2\n', 'config file is not a YAML mapping'],
    ['a bare value', 'hello\n', 'config file is not a YAML mapping'],
    ['null', '~\n', 'config file is not a YAML mapping'],
    ['a duplicate key', 'site_id: a\nsite_id: b\n', 'config file is not valid YAML (Map keys must be unique at line 2, column 1:)'],
  ])('refuses a config that is %s, saying so', (_label, text, error) => {
    const result = parseConfigText(text);
    expect(result).toMatchObject({ ok: false, code: 'io' });
    if (!result.ok && typeof error === 'string') expect(result.error).toBe(error);
    if (!result.ok && typeof error !== 'string') expect(result.error).toMatch(error);
  });

  it('names the first field the agent would miss', () => {
    const text = valid().split('\n').filter((l) => !l.startsWith('api_key:')).join('\n');
    const issue = AgentLoaderSchema.safeParse(parse(text, { version: '1.1' })).error?.issues[0];
    expect(issue?.path).toEqual(['api_key']);
    expect(parseConfigText(text)).toMatchObject({ ok: false, error: `config file is incomplete or invalid (api_key: ${issue?.message ?? ''})` });
  });

  it('reads yes/no, on/off and a digits-only MAC as YAML 1.1 does, as PyYAML does', () => {
    const text = valid().replace(/^healing_enabled: .*$/m, 'healing_enabled: no').replace(/^enable_l1_sync: .*$/m, 'enable_l1_sync: on');
    const loaded = parseConfigText(text);
    expect(loaded.ok && loaded.data).toMatchObject({ healing_enabled: false, enable_l1_sync: true });
    // A hand-written MAC of digits only is a base-60 integer to PyYAML: not the string the agent needs.
    const sexagesimal = parseConfigText(valid().replace(/^mac_address: .*$/m, 'mac_address: 12:34:56:12:34:56'));
    expect(sexagesimal).toMatchObject({ ok: false, error: expect.stringMatching(/^config file is incomplete or invalid \(mac_address: /) as unknown });
  });

  it('refuses to write an invalid config and names the field', () => {
    const config = buildConfig({ site_id: '', appliance_id: 'a', api_key: 'k', api_endpoint: 'https://api.osiriscare.net', mac_address: 'M', hostname: 'h' }, '/s', AT);
    const issue = ApplianceConfigSchema.safeParse(config).error?.issues[0];
    expect(issue?.path).toEqual(['site_id']);
    expect(serializeConfig(config)).toMatchObject({ ok: false, code: 'bad-response', error: `Refusing to write an invalid config (site_id: ${issue?.message ?? ''})` });
  });

  it("takes the ids and key from a config on disk, and empty strings from one it cannot load", async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'good.yaml'), valid());
    await writeFile(join(dir, 'bad.yaml'), 'site_id: [');
    await writeFile(join(dir, 'odd.yaml'), valid().replace(/^site_id: .*$/m, 'site_id: 12'));
    expect(readConfigIds(join(dir, 'good.yaml'))).toEqual({ site_id: 's', appliance_id: 'a', api_key: 'k' });
    expect(readConfigIds(join(dir, 'bad.yaml'))).toEqual({ site_id: '', appliance_id: '', api_key: '' });
    expect(readConfigIds(join(dir, 'missing.yaml'))).toEqual({ site_id: '', appliance_id: '', api_key: '' });
    expect(readConfigIds(join(dir, 'odd.yaml')).site_id).toBe('');
  });

  it("writes Python's isoformat to the second", () => {
    expect(isoSeconds(AT)).toBe('2026-01-04T15:30:00+00:00');
  });
});

describe('strings as PyYAML reads them', () => {
  it('escapes everything outside printable ASCII, with the long form above U+FFFF only', async () => {
    const { pyyamlScalar } = await import('../src/config/pyyaml-strings.js');
    expect(pyyamlScalar(' ~')).toBe('" ~"');
    expect(pyyamlScalar('a\u001fb\u007fc')).toBe('"a\\u001fb\\u007fc"');
    expect(pyyamlScalar('\uffff\u{10000}')).toBe('"\\uffff\\U00010000"');
    expect(pyyamlScalar('say "hi" \\ bye')).toBe('"say \\"hi\\" \\\\ bye"');
    expect(pyyamlScalar('plain-text_1.2:3/4@5+6')).toBe('plain-text_1.2:3/4@5+6');
    expect(pyyamlScalar('yes')).toBe('"yes"');
    expect(pyyamlScalar('key:')).toBe('"key:"');
  });

  it('writes "<<" and "=" quoted, which the library would leave plain', () => {
    const config = buildConfig({ site_id: '<<', appliance_id: '=', api_key: 'k', api_endpoint: 'https://api.osiriscare.net', mac_address: '84:3A:5B:91:B6:61', hostname: 'h' }, '/s', AT);
    const text = serializeConfig(config);
    expect(text.ok && text.data).toContain('site_id: "<<"\nappliance_id: "="\n');
  });
});

describe("the server's settings", () => {
  it('keeps each valid setting and drops each invalid one on its own', async () => {
    const { pickOverrides } = await import('../src/config/schema.js');
    expect(pickOverrides(undefined)).toEqual({});
    expect(pickOverrides({ poll_interval: 300, log_level: 'LOUD', healing_dry_run: true, unknown: 1 })).toStrictEqual({ poll_interval: 300, healing_dry_run: true });
    expect(Object.keys(pickOverrides({ poll_interval: undefined }))).toEqual([]);
  });
});
