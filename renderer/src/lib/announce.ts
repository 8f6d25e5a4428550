import type { I18n } from '../i18n/i18n.svelte';
import { displayName, isolated } from './names';
import type { failureText as FailureTextFn } from './failures';
import type { Wizard } from './wizard.svelte';

/**
 * What the live region says for the current screen: an error's title and advice, or the
 * confirmation question (names isolated, so a right-to-left name cannot reorder the sentence).
 * Other screens say nothing here: their heading gets focus, which is announced anyway.
 */
export function announcement(wizard: Pick<Wizard, 'screen' | 'failure' | 'validated'>, i18n: Pick<I18n, 't' | 'has'>, failureText: typeof FailureTextFn): string {
  if (wizard.screen === 'error' && wizard.failure !== null) {
    const text = failureText(wizard.failure, i18n);
    return [text.title, text.advice].filter((s) => s !== undefined && s !== '').join('. ');
  }
  if (wizard.screen === 'confirm' && wizard.validated !== null) {
    const partner = isolated(displayName(wizard.validated.partner.brand_name));
    const clinic = displayName(wizard.validated.client_name);
    return clinic === '' ? i18n.t('confirm.questionNoClinic', { partner }) : i18n.t('confirm.question', { partner, clinic: isolated(clinic) });
  }
  return '';
}
