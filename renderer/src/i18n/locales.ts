import type { Catalogue } from './catalogue';
import { en } from './en';
import { es } from './es';
import { pseudo } from './pseudo';

/** The wizard's languages; Electron's --lang/OSIRIS_LANG takes the same names (electron/main/settings.ts). */
export const LOCALES = {
  en: { tag: 'en', name: 'English', catalogue: en },
  es: { tag: 'es', name: 'Español', catalogue: es },
  /** Not offered on screen: for overflow tests and reviews. */
  pseudo: { tag: 'en-XA', name: 'Ƥšéúďó', catalogue: pseudo },
} as const satisfies Record<string, { tag: string; name: string; catalogue: Catalogue }>;
export type Locale = keyof typeof LOCALES;
export const DEFAULT_LOCALE: Locale = 'en';
/** What the Welcome screen's switch offers. */
export const SWITCHABLE_LOCALES: readonly Locale[] = ['en', 'es'];
export const LANG_PARAM = 'lang';

export function isLocale(value: string | null | undefined): value is Locale {
  return value !== null && value !== undefined && Object.hasOwn(LOCALES, value);
}

/** The starting language from the page's query (`?lang=es`, set by the kiosk shell); English otherwise. */
export function localeFromSearch(search: string): Locale {
  const wanted = new URLSearchParams(search).get(LANG_PARAM);
  return isLocale(wanted) ? wanted : DEFAULT_LOCALE;
}
