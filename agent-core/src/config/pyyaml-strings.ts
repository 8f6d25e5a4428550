import type { ScalarTag, Tags } from 'yaml';

/**
 * How every string in config.yaml is written, so that PyYAML (the agent's loader) reads back exactly
 * what was written. The yaml library's own choices are not enough for PyYAML: it writes `=` and `<<`
 * plain (PyYAML reads them as the value and merge tags and fails), U+2028 and tabs plain (a line
 * break, a scanner error), and leaves NEL, DEL and C1 characters raw inside double quotes (PyYAML
 * folds NEL into a space and refuses DEL). So: a plain scalar only for a conservative set of strings
 * PyYAML resolves as text; everything else double-quoted with every character outside printable ASCII
 * escaped (`\uXXXX`, `\UXXXXXXXX` above U+FFFF, lone surrogates kept as they are).
 */
const PLAIN_SAFE = /^[A-Za-z_][A-Za-z0-9_.:/@+-]*$/;
/** YAML 1.1 booleans and null, which a plain scalar would turn into something else. */
const RESOLVED_WORDS = /^(y|n|yes|no|on|off|true|false|null)$/i;
const STR = 'tag:yaml.org,2002:str';
/** YAML 1.1's merge key `<<` would otherwise claim the string "<<". */
const MERGE = 'tag:yaml.org,2002:merge';

export function pyyamlScalar(value: string): string {
  const plain = PLAIN_SAFE.test(value) && !RESOLVED_WORDS.test(value) && !value.endsWith(':');
  return plain ? value : doubleQuoted(value);
}

function doubleQuoted(value: string): string {
  let out = '"';
  for (let i = 0; i < value.length; ) {
    const code = value.codePointAt(i) ?? 0;
    const char = String.fromCodePoint(code);
    i += char.length;
    if (char === '"' || char === '\\') out += `\\${char}`;
    else if (code >= 0x20 && code <= 0x7e) out += char;
    else if (code <= 0xffff) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += `\\U${code.toString(16).padStart(8, '0')}`;
  }
  return `${out}"`;
}

const stringTag: ScalarTag = {
  tag: STR,
  default: true,
  identify: (value) => typeof value === 'string',
  resolve: (source) => source,
  stringify: (item) => pyyamlScalar(String(item.value)),
};

/** The yaml library's tags with strings written as above (for stringify only; parsing keeps the library's 1.1 rules). */
export function pyyamlStringTags(tags: Tags): Tags {
  return [stringTag, ...tags.filter((tag) => (typeof tag === 'string' ? tag !== 'merge' : tag.tag !== STR && tag.tag !== MERGE))];
}
