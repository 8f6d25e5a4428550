import type { en } from './en';

/** A plural: one text per Intl.PluralRules category the language uses; `other` always. */
export type Plural = { readonly other: string } & Partial<Record<Exclude<Intl.LDMLPluralRule, 'other'>, string>>;
export type Message = string | Plural;
export type MessageKey = keyof typeof en;
/** A complete catalogue: every key of the English one (a missing key is a type error). */
export type Catalogue = { readonly [K in MessageKey]: Message };
export type Params = Readonly<Record<string, string | number>>;

/** A piece of a formatted message: literal text, or a parameter (screens isolate names with <bdi>). */
export type Part = { readonly text: string; readonly param?: string };

const PLACEHOLDER = /\{(\w+)\}/g;

export function isMessageKey(catalogue: Catalogue, key: string): key is MessageKey {
  return Object.hasOwn(catalogue, key);
}

/** The template for `params.count` (plural) or the plain text. */
export function template(message: Message, rules: Intl.PluralRules, params: Params): string {
  if (typeof message === 'string') return message;
  const count = typeof params.count === 'number' ? params.count : Number(params.count ?? 0);
  return message[rules.select(count)] ?? message.other;
}

/** Splits a template at its placeholders; a parameter not given stays visible as `{name}` (a catalogue bug, not a crash). */
export function toParts(text: string, params: Params, numbers: Intl.NumberFormat): Part[] {
  const parts: Part[] = [];
  let last = 0;
  for (const match of text.matchAll(PLACEHOLDER)) {
    const name = match[1] ?? '';
    if (match.index > last) parts.push({ text: text.slice(last, match.index) });
    const value = params[name];
    parts.push(value === undefined ? { text: match[0] } : { text: typeof value === 'number' ? numbers.format(value) : value, param: name });
    last = match.index + match[0].length;
  }
  if (last < text.length) parts.push({ text: text.slice(last) });
  return parts;
}
