import { describe, expect, it } from 'vitest';
import { toParts, template } from '../../src/i18n/catalogue';
import { en } from '../../src/i18n/en';
import { es } from '../../src/i18n/es';
import { I18n } from '../../src/i18n/i18n.svelte';
import { localeFromSearch } from '../../src/i18n/locales';
import { pseudo, PSEUDO_EXPANSION } from '../../src/i18n/pseudo';
import { ERROR_CODES } from '../../../agent-core/src/result';
import { failureText, primaryAction, type ShownFailure } from '../../src/lib/failures';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
const texts = (message: string | Record<string, string>) => (typeof message === 'string' ? [message] : Object.values(message));

describe('the message catalogue', () => {
  it('Spanish has every English key, with the same parameters, and none left in English', () => {
    expect(Object.keys(es).sort()).toEqual(Object.keys(en).sort());
    for (const [key, message] of Object.entries(en)) {
      const spanish = es[key as keyof typeof en];
      for (const text of texts(spanish)) expect(placeholders(text), key).toEqual(placeholders(texts(message)[0] ?? ''));
      // Brand names and codes aside, a Spanish text identical to the English one was not translated.
      if (!['welcome.version'].includes(key)) expect(texts(spanish), key).not.toEqual(texts(message));
    }
  });

  it('chooses plurals with Intl.PluralRules', () => {
    const i18n = new I18n('en');
    expect(i18n.t('common.seconds', { count: 1 })).toBe('1 second');
    expect(i18n.t('common.seconds', { count: 2 })).toBe('2 seconds');
    i18n.locale = 'es';
    expect(i18n.t('common.seconds', { count: 1 })).toBe('1 segundo');
    expect(i18n.t('success.countdown', { count: 60 })).toBe('El agente de cumplimiento arranca en 60 segundos.');
    expect(template({ one: 'a', other: 'b' }, new Intl.PluralRules('en'), { count: 0 })).toBe('b');
  });

  it('marks parameters so screens can isolate them', () => {
    expect(toParts('to {partner} — {clinic}?', { partner: 'P', clinic: 'C' }, new Intl.NumberFormat('en'))).toEqual([
      { text: 'to ' }, { text: 'P', param: 'partner' }, { text: ' — ' }, { text: 'C', param: 'clinic' }, { text: '?' },
    ]);
  });

  it('pseudo-locale: every message accented, about 40 % longer, parameters intact', () => {
    for (const [key, message] of Object.entries(en)) {
      const english = texts(message)[0] ?? '';
      const fake = texts(pseudo[key as keyof typeof en])[0] ?? '';
      expect(fake.length, key).toBeGreaterThanOrEqual(english.length * (1 + PSEUDO_EXPANSION));
      expect(placeholders(fake), key).toEqual(placeholders(english));
      expect(fake.replace(/\{\w+\}/g, ''), key).not.toMatch(/[a-zA-Z]{2}/);
    }
  });

  it('takes the starting language from the kiosk setting, English otherwise', () => {
    expect(localeFromSearch('?lang=es')).toBe('es');
    expect(localeFromSearch('?lang=pseudo')).toBe('pseudo');
    expect(localeFromSearch('?lang=xx')).toBe('en');
    expect(localeFromSearch('')).toBe('en');
  });

  it('renders an engine text from its key when it sends one, else its own words', () => {
    const i18n = new I18n('es');
    expect(i18n.fromEngine({ key: 'error.expired.title', text: 'Provision code expired' })).toBe('Este código ha caducado');
    expect(i18n.fromEngine({ key: 'nope', text: 'as sent' })).toBe('as sent');
    expect(i18n.fromEngine({ text: 'as sent' })).toBe('as sent');
  });
});

describe('failures in the wizard\'s words', () => {
  const i18n = new I18n('en');
  const failure = (code: string, extra: Partial<ShownFailure> = {}): ShownFailure => ({ code, error: 'engine words', retry: 'validate', ...extra });

  it('never passes on the engine\'s terminal advice for a code it knows', () => {
    const exists = failureText(failure('exists', { hint: 'Use --force to re-provision.' }), i18n);
    const cancelled = failureText(failure('cancelled', { hint: 'run provisioning again to finish' }), i18n);
    for (const text of [exists, cancelled]) expect(JSON.stringify(text)).not.toMatch(/--force|run provisioning|terminal/);
  });

  it('falls back to the engine\'s words only for an unknown code', () => {
    expect(failureText(failure('brand-new', { hint: 'engine hint' }), i18n)).toEqual({ title: 'Setup did not finish', message: 'engine words', advice: 'engine hint' });
  });

  it("has its own words, in every language, for every code the engine can return", () => {
    for (const lang of ['en', 'es'] as const) {
      const local = new I18n(lang);
      for (const code of ERROR_CODES) {
        const text = failureText(failure(code), local);
        expect(text.title, `${lang} ${code}`).not.toBe(local.t('error.generic.title'));
        expect(text.message, `${lang} ${code}`).not.toBe('engine words');
      }
    }
  });

  it('explains a network failure by its failed stage, and a timeout with every stage green', () => {
    const tcp = failure('unreachable', { preflight: { ok: false, stages: [], failed: { stage: 'tcp', status: 'fail', detail: 'x', ms: 1 } } });
    expect(failureText(tcp, i18n).advice).toBe(en['network.advice.tcp']);
    expect(failureText(failure('timeout', { preflight: { ok: true, stages: [] } }), i18n).advice).toBe(en['error.timeout.allGreen']);
  });

  it('makes a new code the main button where retrying cannot help, Try again where it can', () => {
    for (const code of ['invalid', 'expired', 'claimed', 'revoked', 'format']) expect(primaryAction(failure(code), false)).toBe('new-code');
    for (const code of ['timeout', 'unreachable', 'tls', 'server', 'engine-timeout']) expect(primaryAction(failure(code), false)).toBe('retry');
    expect(primaryAction(failure('pending-claim'), false)).toBe('resume');
    expect(primaryAction(failure('exists'), false)).toBe('provisioned');
  });
});
