import type { Catalogue, Message } from './catalogue';
import { en } from './en';

/**
 * A pseudo-locale for catching overflow and hard-coded text: every letter accented, every message
 * about 40 % longer and bracketed, placeholders untouched. Never shown to technicians; set with
 * `?lang=pseudo` (or OSIRIS_LANG=pseudo) in tests and reviews.
 */
const ACCENTED: Readonly<Record<string, string>> = {
  a: 'á', b: 'ƀ', c: 'ç', d: 'ď', e: 'é', f: 'ƒ', g: 'ĝ', h: 'ĥ', i: 'í', j: 'ĵ', k: 'ķ', l: 'ĺ', m: 'ɱ',
  n: 'ñ', o: 'ó', p: 'þ', q: 'ǫ', r: 'ŕ', s: 'š', t: 'ţ', u: 'ú', v: 'ṽ', w: 'ŵ', x: 'ẋ', y: 'ý', z: 'ž',
  A: 'Á', B: 'Ɓ', C: 'Ç', D: 'Ď', E: 'É', F: 'Ƒ', G: 'Ĝ', H: 'Ĥ', I: 'Í', J: 'Ĵ', K: 'Ķ', L: 'Ĺ', M: 'Ṁ',
  N: 'Ñ', O: 'Ó', P: 'Þ', Q: 'Ǫ', R: 'Ŕ', S: 'Š', T: 'Ţ', U: 'Ú', V: 'Ṽ', W: 'Ŵ', X: 'Ẋ', Y: 'Ý', Z: 'Ž',
};
/** How much longer than English: translations commonly run 30–40 % longer. */
export const PSEUDO_EXPANSION = 0.4;
const PAD = ' ·ẋ·ẋ·ẋ·ẋ·ẋ·ẋ·ẋ·ẋ·ẋ·ẋ·ẋ·ẋ·ẋ·ẋ·ẋ·ẋ·ẋ·ẋ·ẋ·ẋ·ẋ·ẋ·ẋ·ẋ·ẋ·ẋ·ẋ·ẋ·ẋ·ẋ·ẋ·ẋ·ẋ·ẋ·ẋ·ẋ·ẋ·ẋ·ẋ·ẋ·ẋ·ẋ·ẋ·ẋ·ẋ·ẋ·ẋ·ẋ·ẋ·ẋ·ẋ·ẋ·ẋ·ẋ·ẋ·ẋ·ẋ·ẋ·ẋ';

export function pseudoText(text: string): string {
  const accented = text
    .split(/(\{\w+\})/)
    .map((piece) => (piece.startsWith('{') ? piece : piece.replace(/[a-zA-Z]/g, (c) => ACCENTED[c] ?? c)))
    .join('');
  const extra = Math.ceil(text.length * PSEUDO_EXPANSION);
  return `[${accented}${PAD.slice(0, extra)}]`;
}

function pseudoMessage(message: Message): Message {
  if (typeof message === 'string') return pseudoText(message);
  return Object.fromEntries(Object.entries(message).map(([k, v]) => [k, pseudoText(v)])) as Message;
}

export const pseudo = Object.fromEntries(Object.entries(en).map(([key, message]) => [key, pseudoMessage(message)])) as Catalogue;
