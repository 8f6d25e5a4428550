/**
 * Partner and clinic names come from the backend and are shown to a technician who decides from
 * them which clinic the appliance joins, so they are cleaned before display: no bidirectional
 * controls (U+202E in a partner name would reverse the clinic name after it), no other invisible
 * controls, and at most a length that keeps both names on screen. Screens also isolate each name
 * with <bdi>, so a right-to-left name cannot move the punctuation around it.
 */

/** Embeddings, overrides, isolates and marks: LRE…RLO (U+202A–202E), LRI…PDI (U+2066–2069), LRM, RLM, ALM. */
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/g;
/** C0/C1 controls, line and paragraph separators: nothing a name needs. */
const OTHER_CONTROLS = /[\p{Cc}\u2028\u2029]/gu;
/** Graphemes of a name shown before it is cut with an ellipsis: both names of the question stay visible. */
export const NAME_DISPLAY_MAX = 60;
const ELLIPSIS = '…';
/** First strong isolate … pop directional isolate: a name inside plain text (labels, announcements). */
const FSI = '\u2068';
const PDI = '\u2069';

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

function graphemesOf(text: string): string[] {
  return Array.from(graphemes.segment(text), (s) => s.segment);
}

/** The name without controls, whitespace collapsed, cut by grapheme (never inside an emoji) to the display length. */
export function displayName(name: string | null | undefined, max: number = NAME_DISPLAY_MAX): string {
  const clean = (name ?? '').replace(BIDI_CONTROLS, '').replace(OTHER_CONTROLS, ' ').replace(/\s+/g, ' ').trim();
  const parts = graphemesOf(clean);
  return parts.length <= max ? clean : `${parts.slice(0, max - 1).join('').trimEnd()}${ELLIPSIS}`;
}

/** The badge letter: the first grapheme (a whole emoji, a letter with its accents), upper-cased. */
export function initialOf(name: string | null | undefined): string {
  const first = graphemesOf(displayName(name))[0];
  return first === undefined ? '?' : first.toLocaleUpperCase();
}

/** A name isolated for plain-text contexts where <bdi> cannot be used (aria labels, announcements). */
export function isolated(name: string): string {
  return `${FSI}${name}${PDI}`;
}
