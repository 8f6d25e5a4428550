import { getContext, setContext } from 'svelte';
import { isMessageKey, template, toParts, type MessageKey, type Params, type Part } from './catalogue';
import { LOCALES, type Locale } from './locales';

/**
 * The current language and `t(key, params)`, shared by context. Reading `t` in a template makes the
 * text follow a language switch. The engine's texts go through `fromEngine`: once the engine sends
 * message keys with parameters they are rendered from the catalogue; until then, and for anything
 * unknown, its own words are the fallback.
 */
export class I18n {
  locale = $state<Locale>('en');
  readonly #rules = $derived(new Intl.PluralRules(LOCALES[this.locale].tag === 'en-XA' ? 'en' : LOCALES[this.locale].tag));
  readonly #numbers = $derived(new Intl.NumberFormat(LOCALES[this.locale].tag === 'en-XA' ? 'en' : LOCALES[this.locale].tag));

  constructor(locale: Locale) {
    this.locale = locale;
  }

  get tag(): string {
    return LOCALES[this.locale].tag;
  }

  parts = (key: MessageKey, params: Params = {}): Part[] => {
    const message = LOCALES[this.locale].catalogue[key];
    return toParts(template(message, this.#rules, params), params, this.#numbers);
  };

  t = (key: MessageKey, params: Params = {}): string => this.parts(key, params).map((p) => p.text).join('');

  /** A text from the engine: its key if the catalogue knows it, else its own words. */
  fromEngine = (message: { readonly key?: string; readonly params?: Params; readonly text: string }): string => {
    const catalogue = LOCALES[this.locale].catalogue;
    return message.key !== undefined && isMessageKey(catalogue, message.key) ? this.t(message.key, message.params) : message.text;
  };

  /** A key built from an engine code (`error.${code}.title`), if the catalogue has it. */
  has = (key: string): key is MessageKey => isMessageKey(LOCALES[this.locale].catalogue, key);
}

const KEY = Symbol('i18n');

export function provideI18n(i18n: I18n): void {
  setContext(KEY, i18n);
}

export function useI18n(): I18n {
  return getContext<I18n>(KEY);
}
