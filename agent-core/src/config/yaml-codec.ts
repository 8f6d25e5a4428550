import { parse, stringify } from 'yaml';
import { pyyamlStringTags } from './pyyaml-strings.js';
import { describeUnknown, fail, ok, type Result } from '../result.js';
import { AgentLoaderSchema, ApplianceConfigSchema, type ApplianceConfig, type LoadedConfig } from './schema.js';
import { sealConfigText } from './seal.js';
import { firstIssue } from '../zod-issue.js';

/**
 * YAML 1.1 on both sides because the compliance agent reads the file with PyYAML (1.1): in 1.1,
 * a plain `12:34:56:78:90:12` is a base-60 integer and `yes`/`on` are booleans. The library —
 * never string concatenation — builds the document, so no value can inject a key; every string is
 * written the way PyYAML reads back exactly (pyyaml-strings.ts).
 */
const YAML_VERSION = '1.1';

export function serializeConfig(config: ApplianceConfig): Result<string> {
  const parsed = ApplianceConfigSchema.safeParse(config);
  if (!parsed.success) return fail('bad-response', `Refusing to write an invalid config (${firstIssue(parsed.error)})`);
  const body = stringify(parsed.data, { version: YAML_VERSION, lineWidth: 0, customTags: pyyamlStringTags });
  return ok(sealConfigText(body));
}

/** Parses a config file's text the way the agent's loader would accept it. */
export function parseConfigText(text: string): Result<LoadedConfig> {
  if (text.trim() === '') return fail('io', 'config file is empty');
  let document: unknown;
  try {
    document = parse(text, { version: YAML_VERSION, uniqueKeys: true });
  } catch (err) {
    return fail('io', `config file is not valid YAML (${describeUnknown(err).split('\n')[0] ?? ''})`);
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    return fail('io', 'config file is not a YAML mapping');
  }
  const parsed = AgentLoaderSchema.safeParse(document);
  if (!parsed.success) return fail('io', `config file is incomplete or invalid (${firstIssue(parsed.error)})`);
  return ok(parsed.data);
}
