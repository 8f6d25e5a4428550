/**
 * The exact bytes of Python's `json.dumps(value, sort_keys=True)` for a JSON document received as
 * text: what Central Command signs a drop-ship config over. Keys sorted by code point at every level,
 * separators `", "` and `": "`, everything outside printable ASCII escaped as `\uXXXX` (UTF-16 units,
 * so pairs above U+FFFF), and numbers as Python prints them after `json.loads` — which is why the
 * document is parsed here without losing how its numbers were written (`1.0` is a float to Python,
 * `1` an int; JavaScript's JSON.parse cannot tell them apart).
 */

/** A number as written in the source: Python reads it as an int unless it has a fraction or exponent. */
class SourceNumber {
  constructor(readonly lexeme: string) {}
}

type Json = null | boolean | string | SourceNumber | Json[] | { readonly [key: string]: Json };

/** Thrown for text that is not JSON; callers turn it into a failure. */
export class CanonicalJsonError extends Error {}

/** Python's `json.dumps(json.loads(text)[member], sort_keys=True)`, or of the whole document. */
export function canonicalJson(text: string, member?: string): string {
  const parser = new Parser(text);
  const document = parser.document();
  if (member === undefined) return dumps(document);
  if (typeof document !== 'object' || document === null || Array.isArray(document) || document instanceof SourceNumber) {
    throw new CanonicalJsonError('document is not an object');
  }
  const value = Object.hasOwn(document, member) ? document[member] : undefined;
  if (value === undefined) throw new CanonicalJsonError(`document has no ${member}`);
  return dumps(value);
}

function dumps(value: Json): string {
  if (value === null) return 'null';
  if (value === true) return 'true';
  if (value === false) return 'false';
  if (typeof value === 'string') return quote(value);
  if (value instanceof SourceNumber) return pythonNumber(value.lexeme);
  if (Array.isArray(value)) return `[${value.map(dumps).join(', ')}]`;
  const keys = Object.keys(value).sort(byCodePoint);
  return `{${keys.map((key) => `${quote(key)}: ${dumps(value[key] as Json)}`).join(', ')}}`;
}

const SHORT_ESCAPES: Readonly<Record<string, string>> = { '"': '\\"', '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f' };

/** `ensure_ascii=True`: printable ASCII as is, everything else escaped, one UTF-16 unit at a time. */
function quote(text: string): string {
  let out = '"';
  for (let i = 0; i < text.length; i += 1) {
    const ch = text.charAt(i);
    const unit = text.charCodeAt(i);
    const short = SHORT_ESCAPES[ch];
    if (short !== undefined) out += short;
    else if (unit >= 0x20 && unit <= 0x7e) out += ch;
    else out += `\\u${unit.toString(16).padStart(4, '0')}`;
  }
  return `${out}"`;
}

/** Python's `str < str`: code point order (JavaScript's default sort compares UTF-16 units). */
function byCodePoint(a: string, b: string): number {
  const left = a[Symbol.iterator]();
  const right = b[Symbol.iterator]();
  for (;;) {
    const x = left.next();
    const y = right.next();
    if (x.done === true || y.done === true) return (x.done === true ? 0 : 1) - (y.done === true ? 0 : 1);
    const cx = x.value.codePointAt(0) ?? 0;
    const cy = y.value.codePointAt(0) ?? 0;
    if (cx !== cy) return cx - cy;
  }
}

/** How Python prints a number that `json.loads` read from this lexeme. */
function pythonNumber(lexeme: string): string {
  if (!/[.eE]/.test(lexeme)) return lexeme.startsWith('-') && /^-0+$/.test(lexeme) ? '0' : lexeme;
  return pythonFloatRepr(Number(lexeme));
}

/** `float.__repr__`: the shortest round-trip digits, fixed notation for exponents -4..15, else `d.ddde±XX`. */
export function pythonFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'Infinity' : '-Infinity';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mantissa = '', exponentText = '0'] = x.toExponential().split('e');
  const exponent = Number(exponentText);
  const sign = mantissa.startsWith('-') ? '-' : '';
  const digits = mantissa.replace('-', '').replace('.', '');
  if (exponent < -4 || exponent >= 16) {
    const body = digits.length > 1 ? `${digits.charAt(0)}.${digits.slice(1)}` : digits;
    return `${sign}${body}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  const whole = digits.slice(0, exponent + 1).padEnd(exponent + 1, '0');
  const fraction = digits.slice(exponent + 1);
  return `${sign}${whole}.${fraction === '' ? '0' : fraction}`;
}

// JSON forbids raw control characters inside strings: the pattern must name them.
// eslint-disable-next-line no-control-regex
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/** A strict JSON parser (RFC 8259) keeping number lexemes; duplicate keys keep the last value, as Python does. */
class Parser {
  #at = 0;
  constructor(private readonly text: string) {}

  document(): Json {
    const value = this.#value();
    this.#space();
    if (this.#at !== this.text.length) this.#fail('trailing characters');
    return value;
  }

  #value(): Json {
    this.#space();
    const ch = this.text.charAt(this.#at);
    if (ch === '{') return this.#object();
    if (ch === '[') return this.#array();
    if (ch === '"') return this.#string();
    if (ch === '-' || (ch >= '0' && ch <= '9')) return this.#number();
    for (const [word, value] of [['true', true], ['false', false], ['null', null]] as const) {
      if (this.text.startsWith(word, this.#at)) {
        this.#at += word.length;
        return value;
      }
    }
    return this.#fail('unexpected character');
  }

  #object(): Json {
    this.#at += 1;
    const result: Record<string, Json> = Object.create(null) as Record<string, Json>;
    this.#space();
    if (this.#eat('}')) return result;
    do {
      this.#space();
      if (this.text.charAt(this.#at) !== '"') this.#fail('expected a key');
      const key = this.#string();
      this.#space();
      if (!this.#eat(':')) this.#fail("expected ':'");
      result[key] = this.#value();
      this.#space();
    } while (this.#eat(','));
    if (!this.#eat('}')) this.#fail("expected '}'");
    return result;
  }

  #array(): Json {
    this.#at += 1;
    const result: Json[] = [];
    this.#space();
    if (this.#eat(']')) return result;
    do result.push(this.#value());
    while ((this.#space(), this.#eat(',')));
    if (!this.#eat(']')) this.#fail("expected ']'");
    return result;
  }

  #string(): string {
    const match = this.#match(STRING);
    if (match === undefined) return this.#fail('bad string');
    return JSON.parse(match) as string;
  }

  #number(): SourceNumber {
    const match = this.#match(NUMBER);
    if (match === undefined) return this.#fail('bad number');
    return new SourceNumber(match);
  }

  #match(pattern: RegExp): string | undefined {
    pattern.lastIndex = this.#at;
    const match = pattern.exec(this.text);
    if (match === null) return undefined;
    this.#at += match[0].length;
    return match[0];
  }

  #space(): void {
    while (/[ \t\n\r]/.test(this.text.charAt(this.#at))) this.#at += 1;
  }

  #eat(ch: string): boolean {
    if (this.text.charAt(this.#at) !== ch) return false;
    this.#at += 1;
    return true;
  }

  #fail(what: string): never {
    throw new CanonicalJsonError(`${what} at offset ${this.#at}`);
  }
}
