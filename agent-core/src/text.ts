/**
 * Server strings (site ids, partner names, error details) are shown on a terminal, on the kiosk and
 * in logs. One rule for what may be shown: no C0/C1 control characters or DEL (clear-screen, title
 * changes, OSC 52 clipboard writes, fake colours), no line or paragraph separators, no bidi controls
 * (a right-to-left override can make one clinic's name read as another's).
 */
const UNSAFE = /[\p{Cc}\u2028\u2029\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]+/gu;

/** True when the text carries anything `printable` would remove. */
export function hasUnsafeCharacters(text: string): boolean {
  UNSAFE.lastIndex = 0;
  return UNSAFE.test(text);
}

/** One printable line: unsafe characters become a space, runs of spaces one, bounded with an ellipsis. */
export function printable(text: string, max = Number.POSITIVE_INFINITY): string {
  const clean = text.replace(UNSAFE, ' ').replace(/ {2,}/g, ' ').trim();
  if (clean.length <= max) return clean;
  // Never cut a surrogate pair in half.
  const cut = Array.from(clean.slice(0, max + 1)).slice(0, -1).join('').slice(0, max);
  return `${cut}…`;
}

export interface CleanedLabel {
  /** The label to use, or undefined when there was none (null, absent, empty, not a string). */
  readonly value?: string;
  /** Why the label was changed or dropped, for a warning; undefined when it was used as sent. */
  readonly note?: string;
}

/**
 * A cosmetic string from the server (a brand name, a clinic name, a message): used when usable,
 * cleaned when it carries unsafe characters or is too long, dropped when it is not text. Never a failure.
 */
export function cleanLabel(value: unknown, max: number, what: string): CleanedLabel {
  if (value === null || value === undefined) return {};
  if (typeof value !== 'string') return { note: `ignored ${what}: not text` };
  const clean = printable(value, max);
  if (clean === '') return value === '' ? {} : { note: `ignored ${what}: nothing printable` };
  return clean === value ? { value } : { value: clean, note: `cleaned ${what} (unprintable characters or over ${max} characters)` };
}

const UNSAFE_KEEP_NEWLINE = /[\p{Cc}\u2028\u2029\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/gu;

/**
 * Text bound for a terminal: every unsafe character shown as U+FFFD, line breaks kept, layout
 * (indentation, alignment) untouched. The CLI passes everything it prints through this.
 */
export function terminalSafe(text: string): string {
  return text.replace(UNSAFE_KEEP_NEWLINE, (ch) => (ch === '\n' ? ch : '\uFFFD'));
}

/**
 * A JSON line for a terminal or a script: the same data, with the characters JSON.stringify leaves
 * raw but a terminal acts on (C1 controls, DEL, separators, bidi controls) written as \u escapes.
 */
export function safeJson(value: unknown): string {
  return JSON.stringify(value).replace(UNSAFE_KEEP_NEWLINE, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
