import { mount } from 'svelte';
import App from './App.svelte';
import { I18n } from './i18n/i18n.svelte';
import { localeFromSearch } from './i18n/locales';
import { getBridge } from './lib/bridge';
import { loadCodeFont } from './lib/code-font';
import { Wizard } from './lib/wizard.svelte';
import './styles.css';

const target = document.getElementById('app');
if (target === null) throw new Error('#app missing from index.html');
loadCodeFont();
const wizard = new Wizard(getBridge());
const i18n = new I18n(localeFromSearch(window.location.search));
mount(App, { target, props: { wizard, i18n } });
void wizard.start();
